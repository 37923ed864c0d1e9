// Media re-upload payloads through Baileys' own functions: the request it would send (encryptMediaRetryRequest),
// the answer it would accept (decryptMediaRetryData), and an answer sealed with its hkdf/aesEncryptGCM primitives.
import { encryptMediaRetryRequest, decryptMediaRetryData, hkdf, aesEncryptGCM, proto } from 'baileys'
import { randomBytes } from 'crypto'
import { fromB64, toB64 } from './util.mjs'

const childBytes = (node, tag) => node.content.find(c => c.tag === tag)?.content

export const ops = {
  // -> [{ ciphertext, iv, attrs, rmr }] for each { id, mediaKey, remoteJid, fromMe, participant, meId }
  'mediaRetry.request': async ({ items }) => items.map(({ id, mediaKey, remoteJid, fromMe, participant, meId }) => {
    const node = encryptMediaRetryRequest({ id, remoteJid, fromMe, participant: participant ?? undefined }, fromB64(mediaKey), meId)
    const encrypt = node.content.find(c => c.tag === 'encrypt')
    const rmr = node.content.find(c => c.tag === 'rmr')
    return {
      ciphertext: toB64(childBytes(encrypt, 'enc_p')),
      iv: toB64(childBytes(encrypt, 'enc_iv')),
      attrs: node.attrs,
      rmr: Object.fromEntries(Object.entries(rmr.attrs).filter(([, v]) => v !== undefined))
    }
  }),
  // -> [{ stanzaId, directPath, result } or { error }] for each { ciphertext, iv, mediaKey, id }
  'mediaRetry.open': async ({ items }) => items.map(({ ciphertext, iv, mediaKey, id }) => {
    try {
      const n = decryptMediaRetryData({ ciphertext: fromB64(ciphertext), iv: fromB64(iv) }, fromB64(mediaKey), id)
      return { stanzaId: n.stanzaId ?? null, directPath: n.directPath ?? null, result: n.result ?? 0 }
    } catch (error) {
      return { error: String(error?.message ?? error) }
    }
  }),
  // -> [{ ciphertext, iv }]: a MediaRetryNotification sealed as a holder would, with Baileys' key derivation and GCM.
  'mediaRetry.seal': async ({ items }) => items.map(({ mediaKey, id, directPath, result }) => {
    const key = hkdf(fromB64(mediaKey), 32, { info: 'WhatsApp Media Retry Notification' })
    const iv = randomBytes(12)
    const plaintext = proto.MediaRetryNotification.encode({ stanzaId: id, directPath, result }).finish()
    return { ciphertext: toB64(aesEncryptGCM(plaintext, key, iv, Buffer.from(id))), iv: toB64(iv) }
  })
}
