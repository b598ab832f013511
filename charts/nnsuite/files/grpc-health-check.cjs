// `helm test`: asks grpc.health.v1.Health/Check at ADDRESS for each SERVICE name ("" = the whole server)
// with plain grpc-js, as an operator's client would, and exits 1 unless every answer is SERVING.
// Usage: node grpc-health-check.cjs ADDRESS [SERVICE ...]   (env HEALTH_TIMEOUT_MS, default 10000)
// Runs in the nnsuite image: NODE_PATH=/app/node_modules resolves grpc-js and the health service definition.
'use strict';
const grpc = require('@grpc/grpc-js');
const { service: healthService } = require('grpc-health-check');

const [address, ...requested] = process.argv.slice(2);
if (!address) {
  console.error('usage: grpc-health-check.cjs ADDRESS [SERVICE ...]');
  process.exit(2);
}
const services = requested.length > 0 ? requested : [''];
const timeoutMs = Number(process.env.HEALTH_TIMEOUT_MS || 10000);
const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
const client = new Health(address, grpc.credentials.createInsecure());

function check(service) {
  return new Promise((resolve) => {
    client.Check({ service }, { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) resolve({ service, ok: false, status: `${grpc.status[error.code]}: ${error.details}` });
      else resolve({ service, ok: response.status === 'SERVING', status: String(response.status) });
    });
  });
}

(async () => {
  let failed = 0;
  for (const service of services) {
    const result = await check(service);
    if (!result.ok) failed++;
    console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${address} ${JSON.stringify(service)} ${result.status}`);
  }
  client.close();
  console.log(failed === 0 ? `all ${services.length} SERVING` : `${failed} of ${services.length} not SERVING`);
  process.exit(failed === 0 ? 0 : 1);
})();
