// microcred interoperability harness over the reference JavaScript stack.
//
//   node harness.mjs <command> < request.json > response.json
//
// request:  {"contextsDir": "...", "prefer": "npm", "dids": {...}, "items": [...]}
// response: {"results": [...], "contexts": {url: source served}}   (one result per item)
//
// Commands (each processes a batch of items):
//   keygen    item {controller?}                -> {key: Multikey JSON incl. secretKeyMultibase}
//   sign      item {credential, key, created?}  -> {credential} signed with eddsa-rdfc-2022
//   verify    item {credential | credentialText, now?}
//                                                -> {verified, errors[], statusChecked:false}
//             (credentialText: raw JSON, read with JSON.parse, where a repeated key's last
//             value wins)
//   canonize  item {document}                   -> {nquads} (jsonld.canonize, RDFC-1.0, safe)
//   signPresentation   item {presentation, key, challenge, domain?, created?} -> {presentation}
//   verifyPresentation item {presentation, challenge, domain?, now?} -> {verified, errors[]}
//   contexts  (no items)                        -> {npm: {...}, microcred: {...}, compared: [...]}
//   status    item {credential, documents}      -> {checked, entries: [{value, message, ...}]}
//             @digitalbazaar/vc-bitstring-status-list's checkStatus() dereferences the list
//             (from `documents`, URL -> document), verifies its proof and issuer and matches
//             the purpose; it reads one bit at statusListIndex (it ignores statusSize), so the
//             harness then reads the entry per the REC with the library's decodeList():
//             statusSize bits at statusListIndex * statusSize, mapped through statusMessage.
// A failing item yields {ok: false, error: {...}}; the process exits 0 unless the request
// itself is unusable.
import {isDeepStrictEqual} from 'node:util';

import * as vc from '@digitalbazaar/vc';
import {checkStatus, decodeList} from '@digitalbazaar/vc-bitstring-status-list';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsonld from 'jsonld';
import jsigs from 'jsonld-signatures';

import {buildLoader} from './loader.mjs';

const {AuthenticationProofPurpose} = jsigs.purposes;

function describeError(error, depth = 0) {
  if(!error || depth > 4) {
    return null;
  }
  const out = {name: error.name, message: String(error.message || error)};
  if(error.details && typeof error.details === 'object') {
    out.details = {};
    for(const [key, value] of Object.entries(error.details)) {
      if(value instanceof Error) {
        out.details[key] = describeError(value, depth + 1);
        continue;
      }
      try {
        out.details[key] = JSON.parse(JSON.stringify(value ?? null));
      } catch{
        out.details[key] = String(value);
      }
    }
  }
  const nested = Array.isArray(error.errors) ? error.errors : [];
  if(nested.length) {
    out.errors = nested.map(e => describeError(e, depth + 1));
  }
  if(error.cause) {
    out.cause = describeError(error.cause, depth + 1);
  }
  return out;
}

// Every error message found in a vc.verifyCredential() result, flattened.
function collectErrors(result) {
  const messages = [];
  const visit = error => {
    const described = describeError(error);
    const walk = d => {
      if(!d) {
        return;
      }
      messages.push(`${d.name}: ${d.message}`);
      (d.errors || []).forEach(walk);
      walk(d.cause);
    };
    walk(described);
  };
  if(result.error) {
    visit(result.error);
  }
  for(const r of result.results || []) {
    if(r.error) {
      visit(r.error);
    }
  }
  return [...new Set(messages)];
}

const commands = {
  async keygen(item) {
    const controller = item.controller;
    const keyPair = await Ed25519Multikey.generate(controller ? {controller} : {});
    if(!controller) {
      // a did:key controller for a key generated without one
      keyPair.controller = `did:key:${keyPair.publicKeyMultibase}`;
      keyPair.id = `${keyPair.controller}#${keyPair.publicKeyMultibase}`;
    }
    const key = await keyPair.export({publicKey: true, secretKey: true, includeContext: true});
    return {key};
  },

  async sign(item, {documentLoader}) {
    const keyPair = await Ed25519Multikey.from(item.key);
    const suite = new DataIntegrityProof({
      signer: keyPair.signer(),
      cryptosuite: eddsaRdfc2022,
      ...(item.created ? {date: item.created} : {})
    });
    const credential = await vc.issue({
      credential: structuredClone(item.credential),
      suite,
      documentLoader,
      ...(item.now ? {now: item.now} : {})
    });
    return {credential};
  },

  async verify(item, {documentLoader}) {
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
    const credential = typeof item.credentialText === 'string' ?
      JSON.parse(item.credentialText) : item.credential;
    const result = await vc.verifyCredential({
      credential,
      suite,
      documentLoader,
      ...(item.now ? {now: item.now} : {}),
      // The reference stack checks credentialStatus only through a caller-supplied
      // function; we deliberately do NOT check it here (signature + dates only), so a
      // revoked credential verifies as `true` in JS. microcred checks status itself.
      checkStatus: async () => ({verified: true, statusChecked: false})
    });
    return {
      verified: result.verified === true,
      errors: collectErrors(result),
      statusChecked: false
    };
  },

  async signPresentation(item, {documentLoader}) {
    const keyPair = await Ed25519Multikey.from(item.key);
    const suite = new DataIntegrityProof({
      signer: keyPair.signer(),
      cryptosuite: eddsaRdfc2022,
      ...(item.created ? {date: item.created} : {})
    });
    const presentation = await vc.signPresentation({
      presentation: structuredClone(item.presentation),
      suite,
      challenge: item.challenge,
      domain: item.domain,
      documentLoader
    });
    return {presentation};
  },

  async verifyPresentation(item, {documentLoader}) {
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
    const result = await vc.verify({
      presentation: item.presentation,
      presentationPurpose: new AuthenticationProofPurpose({
        challenge: item.challenge, domain: item.domain
      }),
      challenge: item.challenge,
      domain: item.domain,
      suite,
      documentLoader,
      ...(item.now ? {now: item.now} : {}),
      checkStatus: async () => ({verified: true, statusChecked: false})
    });
    return {verified: result.verified === true, errors: collectErrors(result)};
  },

  async canonize(item, {documentLoader}) {
    const nquads = await jsonld.canonize(item.document, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      safe: true,
      base: null,
      rdfDirection: 'i18n-datatype',
      documentLoader
    });
    return {nquads};
  },

  async status(item, {documentLoader}) {
    const documents = item.documents || {};
    const loader = async url => {
      if(Object.hasOwn(documents, url)) {
        return {contextUrl: null, documentUrl: url, document: structuredClone(documents[url])};
      }
      return documentLoader(url);
    };
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
    const checked = await checkStatus({
      credential: item.credential, documentLoader: loader, suite,
      verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true
    });
    if(!checked.verified) {
      return {checked: false, error: describeError(checked.error)};
    }
    const entries = [];
    for(const {credentialStatus: entry, status: libraryBit} of checked.results) {
      const {document: listCredential} = await loader(entry.statusListCredential);
      entries.push({
        libraryBit, ...await readEntry(entry, listCredential.credentialSubject)
      });
    }
    return {checked: true, entries};
  }
};

// The REC's validate algorithm from "expand the bitstring" on (the library has checked the
// retrieval, the proof and the purpose): minimum length, range, statusSize bits, message.
const MINIMUM_ENTRIES = 131072;
async function readEntry(entry, subject) {
  const list = await decodeList({encodedList: subject.encodedList});
  const size = entry.statusSize === undefined ? 1 : entry.statusSize;
  if(!Number.isInteger(size) || size < 1) {
    throw new Error(`statusSize must be a positive integer: ${size}`);
  }
  const index = entry.statusListIndex;
  if(typeof index !== 'string' || !/^[0-9]+$/.test(index)) {
    throw new Error(`statusListIndex must be a string of digits: ${JSON.stringify(index)}`);
  }
  const entriesInList = Math.floor(list.length / size);
  if(entriesInList < MINIMUM_ENTRIES) {
    const error = new Error(`${entriesInList} entries is below ${MINIMUM_ENTRIES}`);
    error.name = 'STATUS_LIST_LENGTH_ERROR';
    throw error;
  }
  const position = Number(index) * size;
  if(position + size > list.length) {
    const error = new Error(`statusListIndex ${index} is outside the list`);
    error.name = 'RANGE_ERROR';
    throw error;
  }
  let value = 0;
  for(let bit = 0; bit < size; ++bit) {
    value = value * 2 + (list.getStatus(position + bit) ? 1 : 0);
  }
  const messages = entry.statusMessage || [];
  const found = messages.find(m => parseInt(m.status, 16) === value);
  return {
    purpose: entry.statusPurpose, index: Number(index), statusSize: size, value,
    message: found ? found.message : null, valid: value === 0
  };
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() ? JSON.parse(text) : {};
}

async function main() {
  const command = process.argv[2];
  const request = await readStdin();
  const loader = buildLoader({
    contextsDir: request.contextsDir,
    prefer: request.prefer || 'npm',
    dids: request.dids || {}
  });

  if(command === 'contexts') {
    const compared = [];
    for(const [url, ours] of loader.ours) {
      const npm = loader.npm.get(url);
      if(npm) {
        compared.push({
          url, npm: npm.source, microcred: ours.source,
          jsonEqual: isDeepStrictEqual(npm.document, ours.document)
        });
      }
    }
    const sources = o => Object.fromEntries([...o].map(([u, v]) => [u, v.source]));
    process.stdout.write(JSON.stringify({
      npm: sources(loader.npm), microcred: sources(loader.ours), compared
    }));
    return;
  }

  const handler = commands[command];
  if(!handler) {
    throw new Error(`unknown command ${JSON.stringify(command)}; ` +
      `use one of ${Object.keys(commands).join(', ')}, contexts`);
  }
  const results = [];
  for(const item of request.items || []) {
    try {
      results.push({ok: true, ...(await handler(item, loader))});
    } catch(error) {
      results.push({ok: false, error: describeError(error)});
    }
  }
  process.stdout.write(JSON.stringify({
    results, contexts: Object.fromEntries(loader.served)
  }));
}

main().catch(error => {
  process.stderr.write(`${error && error.stack || error}\n`);
  process.exit(2);
});
