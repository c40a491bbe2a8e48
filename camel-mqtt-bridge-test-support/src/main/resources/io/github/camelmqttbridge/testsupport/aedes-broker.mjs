// An Aedes MQTT 3.1.1 broker for tests, started by AedesBroker.java: node aedes-broker.mjs <config.json>
// config: {"port": 1883, "users": {"name": "password"} (optional: anonymous without), "denySubscribe": ["prefix/"]}
// Works with aedes 1.x (ES module, Aedes.createBroker) and 0.x (CommonJS factory); in-memory persistence.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const version = JSON.parse(readFileSync(new URL('./node_modules/aedes/package.json', import.meta.url), 'utf8')).version
const aedes = await import('aedes')
const broker = aedes.Aedes ? await aedes.Aedes.createBroker({}) : (aedes.default || aedes)({})

if (config.users) {
  broker.authenticate = (client, username, password, callback) => {
    const expected = config.users[username]
    if (expected !== undefined && password && password.toString('utf8') === expected) {
      return callback(null, true)
    }
    const error = new Error('bad user name or password')
    error.returnCode = 4 // CONNACK "bad user name or password" instead of the default 5
    callback(error, false)
  }
}

// a null subscription is answered with the SUBACK failure code 0x80 (an error would close the connection)
broker.authorizeSubscribe = (client, subscription, callback) => {
  const denied = (config.denySubscribe || []).some(prefix => subscription.topic.startsWith(prefix))
  callback(null, denied ? null : subscription)
}

const server = createServer(broker.handle)
server.listen(config.port, '127.0.0.1', () => {
  console.log(`aedes ${version} (node ${process.version}) listening on 127.0.0.1:${config.port}`)
})
process.on('SIGTERM', () => {
  server.close()
  broker.close(() => process.exit(0))
})
