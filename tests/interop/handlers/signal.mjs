// libsignal 6.0.0 1:1 sessions as the peer of our Signal code. Each "party" is one device with its own in-memory
// store implementing libsignal's storage interface; records are kept serialized (as Baileys keeps them), so a
// failed operation cannot leak half-changed state into later ones.
import libsignal from 'libsignal'
import { fromB64, toB64 } from './util.mjs'

const { SessionBuilder, SessionCipher, SessionRecord, ProtocolAddress, keyhelper } = libsignal

const parties = new Map()
let nextParty = 1

const createStore = ({ identity, registrationId, signedPreKey, preKeys }) => {
  const sessions = new Map()
  return {
    preKeys,
    sessions,
    getOurIdentity: async () => identity,
    getOurRegistrationId: async () => registrationId,
    isTrustedIdentity: async () => true,
    loadSession: async id => (sessions.has(id) ? SessionRecord.deserialize(sessions.get(id)) : undefined),
    storeSession: async (id, record) => { sessions.set(id, record.serialize()) },
    loadPreKey: async id => preKeys.get(Number(id)),
    removePreKey: async id => { preKeys.delete(Number(id)) },
    loadSignedPreKey: async id => (Number(id) === signedPreKey.keyId ? signedPreKey.keyPair : undefined)
  }
}

const createParty = ({ preKeyCount = 0, preKeyStart = 1, signedPreKeyId = 1 } = {}) => {
  const identity = keyhelper.generateIdentityKeyPair()
  const registrationId = keyhelper.generateRegistrationId()
  const signedPreKey = keyhelper.generateSignedPreKey(identity, signedPreKeyId)
  const preKeys = new Map()
  for (let i = 0; i < preKeyCount; i++) {
    const { keyId, keyPair } = keyhelper.generatePreKey(preKeyStart + i)
    preKeys.set(keyId, keyPair)
  }
  return { identity, registrationId, signedPreKey, store: createStore({ identity, registrationId, signedPreKey, preKeys }) }
}

const party = id => {
  const p = parties.get(id)
  if (!p) throw new Error(`no party ${id}`)
  return p
}

const address = encoded => ProtocolAddress.from(encoded)

const toDevice = bundle => ({
  registrationId: bundle.registrationId,
  identityKey: fromB64(bundle.identityKey),
  signedPreKey: {
    keyId: bundle.signedPreKey.keyId,
    publicKey: fromB64(bundle.signedPreKey.publicKey),
    signature: fromB64(bundle.signedPreKey.signature)
  },
  preKey: bundle.preKey ? { keyId: bundle.preKey.keyId, publicKey: fromB64(bundle.preKey.publicKey) } : undefined
})

const decryptOne = async (cipher, { type, body }) => {
  try {
    const data = fromB64(body)
    const plaintext = type === 'pkmsg' ? await cipher.decryptPreKeyWhisperMessage(data) : await cipher.decryptWhisperMessage(data)
    return { plaintext: toB64(plaintext) }
  } catch (error) {
    return { error: error?.name ?? 'Error', message: String(error?.message ?? error) }
  }
}

// Encrypt+decrypt between two parties for `count` messages: along one chain (one sender) or ping-pong (alternating,
// so every message is a DH ratchet step). Times only the message loop.
const bench = async ({ mode, count, size }) => {
  const a = createParty()
  const b = createParty({ preKeyCount: 1 })
  const addrA = new ProtocolAddress('alice', 1)
  const addrB = new ProtocolAddress('bob', 1)
  await new SessionBuilder(a.store, addrB).initOutgoing({
    registrationId: b.registrationId,
    identityKey: b.identity.pubKey,
    signedPreKey: { keyId: b.signedPreKey.keyId, publicKey: b.signedPreKey.keyPair.pubKey, signature: b.signedPreKey.signature },
    preKey: { keyId: 1, publicKey: b.store.preKeys.get(1).pubKey }
  })
  const aToB = new SessionCipher(a.store, addrB)
  const bFromA = new SessionCipher(b.store, addrA)
  const first = await aToB.encrypt(Buffer.alloc(size, 1))
  await bFromA.decryptPreKeyWhisperMessage(Buffer.from(first.body, 'binary'))
  const reply = await bFromA.encrypt(Buffer.alloc(size, 2))
  await aToB.decryptWhisperMessage(Buffer.from(reply.body, 'binary'))

  const plaintext = Buffer.alloc(size, 7)
  const started = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    const fromA = mode === 'chain' || i % 2 === 0
    const [sender, receiver] = fromA ? [aToB, bFromA] : [bFromA, aToB]
    const message = await sender.encrypt(plaintext)
    await receiver.decryptWhisperMessage(Buffer.from(message.body, 'binary'))
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { messages: count, seconds, perSecond: count / seconds }
}

export const ops = {
  'signal.party.create': async args => {
    const p = createParty(args)
    const id = nextParty++
    parties.set(id, p)
    return {
      party: id,
      registrationId: p.registrationId,
      identityKey: toB64(p.identity.pubKey),
      signedPreKey: { keyId: p.signedPreKey.keyId, publicKey: toB64(p.signedPreKey.keyPair.pubKey), signature: toB64(p.signedPreKey.signature) },
      preKeys: [...p.store.preKeys].map(([keyId, pair]) => ({ keyId, publicKey: toB64(pair.pubKey) }))
    }
  },
  'signal.party.hasPreKey': async ({ party: id, keyId }) => party(id).store.preKeys.has(keyId),
  'signal.party.drop': async ({ party: id }) => parties.delete(id),
  'signal.session.processBundle': async ({ party: id, address: addr, bundle }) => {
    await new SessionBuilder(party(id).store, address(addr)).initOutgoing(toDevice(bundle))
    return true
  },
  'signal.session.info': async ({ party: id, address: addr }) => {
    const serialized = party(id).store.sessions.get(addr)
    if (!serialized) return { exists: false, open: false, sessions: 0 }
    const record = SessionRecord.deserialize(serialized)
    return { exists: true, open: record.haveOpenSession(), sessions: Object.keys(record.sessions).length }
  },
  'signal.encrypt': async ({ party: id, address: addr, plaintexts }) => {
    const cipher = new SessionCipher(party(id).store, address(addr))
    const out = []
    for (const plaintext of plaintexts) {
      const { type, body } = await cipher.encrypt(fromB64(plaintext))
      out.push({ type: type === 3 ? 'pkmsg' : 'msg', body: toB64(Buffer.from(body, 'binary')) })
    }
    return out
  },
  'signal.decrypt': async ({ party: id, address: addr, messages }) => {
    const cipher = new SessionCipher(party(id).store, address(addr))
    const out = []
    for (const message of messages) out.push(await decryptOne(cipher, message))
    return out
  },
  'signal.bench': bench
}
