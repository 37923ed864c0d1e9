// Baileys' own connection helpers as the oracle for the account engine: the ClientPayloads of
// lib/Utils/validate-connection.js, the QR text of companion-reg-client-utils.js, and pair-success processing.
import { proto } from 'baileys/WAProto/index.js'
import { generateLoginNode, generateRegistrationNode, configureSuccessfulPairing } from 'baileys/lib/Utils/validate-connection.js'
import { buildPairingQRData } from 'baileys/lib/Utils/companion-reg-client-utils.js'
import { encodeBinaryNode } from 'baileys/lib/WABinary/encode.js'
import { decodeBinaryNode } from 'baileys/lib/WABinary/decode.js'
import curve from 'libsignal/src/curve.js'
import { aesDecryptCTR, derivePairingCodeKey } from 'baileys/lib/Utils/crypto.js'
import { bytesToCrockford } from 'baileys/lib/Utils/generics.js'
import { fromB64, toB64 } from './util.mjs'

const configOf = item => ({
  version: item.version,
  browser: item.browser,
  countryCode: item.countryCode,
  syncFullHistory: item.syncFullHistory
})

export const ops = {
  // For each set of creds: Baileys' registration payload and (given a jid) its login payload, protobuf-encoded.
  'engine.clientPayloads': async ({ items }) => items.map(item => {
    const creds = {
      registrationId: item.registrationId,
      signedIdentityKey: { public: fromB64(item.identityPublic) },
      signedPreKey: {
        keyId: item.signedPreKeyId,
        keyPair: { public: fromB64(item.signedPreKeyPublic) },
        signature: fromB64(item.signedPreKeySignature)
      }
    }
    const config = configOf(item)
    return {
      registration: toB64(proto.ClientPayload.encode(generateRegistrationNode(creds, config)).finish()),
      login: toB64(proto.ClientPayload.encode(generateLoginNode(item.jid, config)).finish())
    }
  }),
  'engine.qr': async ({ items }) => items.map(item =>
    buildPairingQRData(item.ref, item.noise, item.identity, item.adv, item.browser)),
  // Baileys' handling of a pair-success stanza (our encoding) with the given creds: its reply and creds, or its error.
  'engine.pairSuccess': async ({ stanza, advSecretKey, identityPublic, identityPrivate }) => {
    try {
      const node = await decodeBinaryNode(fromB64(stanza))
      const { reply, creds } = configureSuccessfulPairing(node, {
        advSecretKey,
        signedIdentityKey: { public: fromB64(identityPublic), private: fromB64(identityPrivate) },
        signalIdentities: []
      })
      return { reply: toB64(encodeBinaryNode(reply)), jid: creds.me.id, lid: creds.me.lid ?? null, name: creds.me.name ?? null, platform: creds.platform ?? null }
    } catch (error) {
      return { error: String(error?.message ?? error) }
    }
  },
  // Pairing codes as Baileys spells random bytes, and its unwrapping of an ephemeral key wrapped under a code.
  'engine.crockford': async ({ items }) => items.map(b64 => bytesToCrockford(fromB64(b64))),
  'engine.unwrapCode': async ({ code, wrapped }) => {
    const buffer = fromB64(wrapped)
    const key = await derivePairingCodeKey(code, buffer.subarray(0, 32))
    return toB64(aesDecryptCTR(buffer.subarray(48, 80), key, buffer.subarray(32, 48)))
  },
  // libsignal's verdict on a signature. (Baileys' Curve.verify drops this verdict and only reports malformed input,
  // so its configureSuccessfulPairing accepts a well-formed but wrong account signature.)
  'engine.verify': async ({ publicKey, message, signature }) =>
    curve.verifySignature(fromB64(publicKey), fromB64(message), fromB64(signature))
}
