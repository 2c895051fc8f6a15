// Validates an OpenAPI document with @apidevtools/swagger-parser, in its own process because
// the parser is an ES module that jest (CommonJS on Node 20) cannot load.
import SwaggerParser from '@apidevtools/swagger-parser';

const [file] = process.argv.slice(2);
try {
  await SwaggerParser.validate(file);
  console.log('valid');
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
