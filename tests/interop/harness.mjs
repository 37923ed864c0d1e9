// Line-oriented RPC between the C# tests and the Node peers (Baileys, libsignal).
// Request:  {"id":1,"op":"area.name","args":{...}}   Response: {"id":1,"ok":true,"result":...} or {"id":1,"ok":false,"error":"..."}
// Byte strings travel as base64. Handlers live in ./handlers/*.mjs and export `ops`, an object of async functions.
import { readdir } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import path from 'node:path'

// Keep stdout for responses only: libraries that log must not corrupt the channel.
const writeResponse = process.stdout.write.bind(process.stdout)
console.log = (...args) => console.error(...args)
console.info = console.log
console.debug = console.log
console.warn = (...args) => console.error(...args)

const here = path.dirname(fileURLToPath(import.meta.url))
const ops = new Map()
for (const file of (await readdir(path.join(here, 'handlers'))).filter(f => f.endsWith('.mjs')).sort()) {
  const module = await import(pathToFileURL(path.join(here, 'handlers', file)).href)
  for (const [name, fn] of Object.entries(module.ops ?? {})) {
    if (ops.has(name)) throw new Error(`duplicate interop op ${name} in ${file}`)
    ops.set(name, fn)
  }
}
ops.set('harness.ops', async () => [...ops.keys()].sort())

const send = message => writeResponse(JSON.stringify(message) + '\n')
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
lines.on('line', async line => {
  if (!line.trim()) return
  let request
  try {
    request = JSON.parse(line)
  } catch (error) {
    send({ id: null, ok: false, error: `unparseable request: ${error.message}` })
    return
  }
  const fn = ops.get(request.op)
  if (!fn) {
    send({ id: request.id, ok: false, error: `unknown op ${request.op}` })
    return
  }
  try {
    send({ id: request.id, ok: true, result: (await fn(request.args ?? {})) ?? null })
  } catch (error) {
    send({ id: request.id, ok: false, error: String(error?.stack ?? error) })
  }
})
lines.on('close', () => process.exit(0))
send({ id: 0, ok: true, result: 'ready' })
