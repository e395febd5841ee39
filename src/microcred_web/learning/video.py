"""Video links: YouTube and Vimeo pages become privacy-enhanced embeds (nothing loads from the
provider until the learner agrees, see static ``microcred/video.js``); links straight to an
MP4 or WebM file play in the page's own player."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.http.response import HttpResponseBase

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}
YOUTUBE_NOCOOKIE_HOSTS = {"youtube-nocookie.com", "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
#: the only origins the player pages may frame (their Content-Security-Policy)
EMBED_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")
FRAME_POLICY = "frame-src " + " ".join(EMBED_ORIGINS)
VIDEO_FILE_SUFFIXES = (".mp4", ".webm")

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")


@dataclass(frozen=True)
class VideoEmbed:
    provider: str  # "youtube" or "vimeo"
    provider_name: str  # shown to the learner
    video_id: str
    embed_url: str


class NotAVideo(ValueError):
    """The link is not a YouTube or Vimeo video, nor a video file."""


class NoVideoId(NotAVideo):
    """A YouTube or Vimeo link without a video in it (a channel, a search, a short id)."""


def _youtube_id(host: str, path: str, query: str) -> str | None:
    parts = [p for p in path.split("/") if p]
    if host == "youtu.be":
        return parts[0] if parts else None
    if parts[:1] == ["watch"]:
        return next(iter(parse_qs(query).get("v") or []), None)
    if len(parts) >= 2 and parts[0] in ("embed", "shorts", "live", "v"):
        return parts[1]
    return None


def _vimeo_id(host: str, path: str) -> str | None:
    parts = [p for p in path.split("/") if p]
    if host == "player.vimeo.com":
        return parts[1] if len(parts) >= 2 and parts[0] == "video" else None
    numeric = [p for p in parts if _VIMEO_ID.match(p)]
    return numeric[0] if numeric else None


def video_embed(url: str) -> VideoEmbed | None:
    """The privacy-enhanced embed of a YouTube or Vimeo link; None for a video file link.

    Raises NotAVideo for any other link, or a provider link without a video in it.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        raise NotAVideo("not https")
    if host in YOUTUBE_HOSTS or host in YOUTUBE_NOCOOKIE_HOSTS:
        video_id = _youtube_id(host, parts.path, parts.query)
        if not video_id or not _YOUTUBE_ID.match(video_id):
            raise NoVideoId("no YouTube video id")
        embed = f"https://www.youtube-nocookie.com/embed/{video_id}"
        return VideoEmbed("youtube", "YouTube", video_id, embed)
    if host in VIMEO_HOSTS:
        video_id = _vimeo_id(host, parts.path)
        if not video_id:
            raise NoVideoId("no Vimeo video id")
        return VideoEmbed(
            "vimeo", "Vimeo", video_id, f"https://player.vimeo.com/video/{video_id}?dnt=1"
        )
    if parts.path.lower().endswith(VIDEO_FILE_SUFFIXES):
        return None
    raise NotAVideo("not a video link")


def allows_video_frames(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Pages that show blocks may frame the two privacy-enhanced players, and nothing else."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(*args, **kwargs)
        response.headers.setdefault("Content-Security-Policy", FRAME_POLICY)
        return response

    return wrapped
