// Validates one core module in a Node process of its own, started without V8 flags, so every
// function body is validated as `WebAssembly.compile` does by default (full-validation.ts).
// Reads the module from stdin; exits 0 when it is valid, or prints the CompileError's message
// and exits 2. Plain JavaScript: it starts under plain node.
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
try {
  await WebAssembly.compile(Buffer.concat(chunks));
} catch (err) {
  process.stdout.write(err instanceof Error ? err.message : String(err));
  process.exitCode = 2;
}
