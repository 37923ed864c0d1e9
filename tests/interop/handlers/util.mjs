// Shared helpers for handlers: base64 <-> Buffer and the Baileys certificate root override.
import { WA_CERT_DETAILS } from 'baileys/lib/Defaults/index.js'

export const fromB64 = s => Buffer.from(s ?? '', 'base64')
export const toB64 = b => Buffer.from(b).toString('base64')

// Baileys verifies the server's certificate chain against this exported key; point it at our test root.
export const setCertificateRoot = publicKeyB64 => {
  WA_CERT_DETAILS.PUBLIC_KEY = fromB64(publicKeyB64)
}

export const ops = {
  'util.echo': async args => args,
  'util.setCertificateRoot': async ({ publicKey }) => {
    setCertificateRoot(publicKey)
    return toB64(WA_CERT_DETAILS.PUBLIC_KEY)
  }
}
