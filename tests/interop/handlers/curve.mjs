// libsignal's curve module (curve25519-js signatures, node X25519): the peer for our curve code.
import curve from 'libsignal/src/curve.js'
import { fromB64, toB64 } from './util.mjs'

export const ops = {
  // Key pairs as libsignal makes them: private key raw (possibly unclamped), public key prefixed with 0x05.
  'curve.keyPairs': async ({ count }) => Array.from({ length: count }, () => {
    const { pubKey, privKey } = curve.generateKeyPair()
    return { publicKey: toB64(pubKey), privateKey: toB64(privKey) }
  }),
  'curve.sign': async ({ items }) => items.map(({ privateKey, message }) =>
    toB64(curve.calculateSignature(fromB64(privateKey), fromB64(message)))),
  'curve.verify': async ({ items }) => items.map(({ publicKey, message, signature }) =>
    curve.verifySignature(fromB64(publicKey), fromB64(message), fromB64(signature))),
  'curve.agree': async ({ items }) => items.map(({ publicKey, privateKey }) =>
    toB64(curve.calculateAgreement(fromB64(publicKey), fromB64(privateKey)))),
  'curve.publicOf': async ({ privateKey }) => toB64(curve.getPublicFromPrivateKey(fromB64(privateKey)))
}
