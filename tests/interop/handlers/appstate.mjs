// App state sync ("syncd") crypto through Baileys' own exports: the LTHash, key expansion, and the patch encoder
// and verifying decoder of Utils/chat-utils.js, as the oracle of WaCluster.Core.AppState.
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { expandAppStateKeys } from 'whatsapp-rust-bridge'
import { proto } from 'baileys/WAProto/index.js'
import { LT_HASH_ANTI_TAMPERING } from 'baileys/lib/Utils/lt-hash.js'
import { decodeSyncdPatch, decodeSyncdSnapshot, encodeSyncdPatch, extractSyncdPatches } from 'baileys/lib/Utils/chat-utils.js'
import { decodeBinaryNode } from 'baileys/lib/WABinary/decode.js'
import { fromB64, toB64 } from './util.mjs'

// Baileys draws each record's IV from node:crypto's randomBytes; Node's documented syncBuiltinESMExports makes a
// replaced CommonJS export visible to ES importers, so the IV can be pinned without touching Baileys' files.
const nodeCrypto = createRequire(import.meta.url)('node:crypto')
const realRandomBytes = nodeCrypto.randomBytes
const withPinnedIv = async (iv, run) => {
  nodeCrypto.randomBytes = size => {
    if (size !== iv.length) throw new Error(`unexpected randomBytes(${size}) while the IV is pinned`)
    return Buffer.from(iv)
  }
  syncBuiltinESMExports()
  try {
    return await run()
  } finally {
    nodeCrypto.randomBytes = realRandomBytes
    syncBuiltinESMExports()
  }
}

const toState = ({ version, hash, valueMacs }) => ({
  version,
  hash: fromB64(hash),
  indexValueMap: Object.fromEntries(Object.entries(valueMacs ?? {}).map(([index, mac]) => [index, { valueMac: fromB64(mac) }]))
})
const fromState = ({ version, hash, indexValueMap }) => ({
  version,
  hash: toB64(hash),
  valueMacs: Object.fromEntries(Object.entries(indexValueMap).map(([index, { valueMac }]) => [index, toB64(valueMac)]))
})
const keyStore = keys => {
  const byId = new Map(keys.map(({ keyId, keyData }) => [Buffer.from(fromB64(keyId)).toString('base64'), { keyData: fromB64(keyData) }]))
  return async keyId => byId.get(keyId)
}

export const ops = {
  'appstate.ltHash': async ({ cases }) =>
    cases.map(({ base, subtract, add }) =>
      toB64(LT_HASH_ANTI_TAMPERING.subtractThenAdd(fromB64(base), subtract.map(fromB64), add.map(fromB64)))),

  'appstate.expandKeys': async ({ keys }) =>
    keys.map(key => {
      const expanded = expandAppStateKeys(fromB64(key))
      return [expanded.indexKey, expanded.valueEncryptionKey, expanded.valueMacKey, expanded.snapshotMacKey, expanded.patchMacKey].map(toB64)
    }),

  // One patch per case, each with one mutation, as Baileys' app patch sender builds it; the patch has no version
  // field (Baileys sends the version as a node attribute), so the new state's version travels beside it.
  'appstate.encodePatches': async ({ cases }) => {
    const results = []
    for (const { type, index, action, apiVersion, operation, keyId, keyData, state, iv } of cases) {
      const { patch, state: next } = await withPinnedIv(fromB64(iv), () =>
        encodeSyncdPatch(
          { type, index, syncAction: proto.SyncActionValue.decode(fromB64(action)), apiVersion, operation },
          keyId,
          toState(state),
          keyStore([{ keyId, keyData }])))
      results.push({ patch: toB64(proto.SyncdPatch.encode(patch).finish()), state: fromState(next) })
    }
    return results
  },

  // Decodes with validateMacs on; Baileys throws on a wrong patch or index MAC and skips a record whose value MAC
  // or padding is wrong, so the caller compares the mutations it gets back.
  'appstate.decodePatch': async ({ patch, name, state, keys }) => {
    const mutations = []
    const next = await decodeSyncdPatch(
      proto.SyncdPatch.decode(fromB64(patch)),
      name,
      toState(state),
      keyStore(keys),
      ({ syncAction, index }) => mutations.push({ index, data: toB64(proto.SyncActionData.encode(syncAction).finish()) }),
      true)
    return { mutations, hash: toB64(next.hash), valueMacs: fromState({ version: 0, ...next }).valueMacs }
  },

  // Baileys only logs a wrong snapshot MAC (and goes on with the state), so the warning is what tells it apart.
  'appstate.decodeSnapshot': async ({ snapshot, name, keys }) => {
    const warnings = []
    const logger = { warn: (details, message) => warnings.push(message) }
    const { state, mutationMap } = await decodeSyncdSnapshot(name, proto.SyncdSnapshot.decode(fromB64(snapshot)), keyStore(keys), undefined, true, logger)
    return {
      macMatches: warnings.length === 0,
      mutations: Object.values(mutationMap).map(({ syncAction, index }) => ({ index, data: toB64(proto.SyncActionData.encode(syncAction).finish()) })),
      ...fromState(state)
    }
  },

  // Baileys' reading of a w:sync:app:state answer (given in the binary encoding) without snapshots, which it would
  // download: per collection, whether more patches wait and each patch re-encoded (with the version it filled in).
  'appstate.extractPatches': async ({ response }) => {
    const decoded = await extractSyncdPatches(await decodeBinaryNode(fromB64(response)), undefined)
    return Object.entries(decoded).map(([name, { patches, hasMorePatches }]) =>
      ({ name, hasMorePatches, patches: patches.map(patch => toB64(proto.SyncdPatch.encode(patch).finish())) }))
  }
}
