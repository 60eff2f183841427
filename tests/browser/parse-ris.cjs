// Reads RIS records from stdin with astrocite-ris (a RIS parser to CSL-JSON)
// and prints them as JSON, for tests/cite.rs.
const { parse } = require('astrocite-ris');
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => { process.stdout.write(JSON.stringify(parse(input))); });
