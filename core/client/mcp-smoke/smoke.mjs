// Connects to Kiff's MCP endpoint with the official TypeScript SDK, lists the tools, runs code once and prints what
// came back. Usage: KIFF_API_KEY=... node smoke.mjs [http://localhost:8080/mcp]
// Exits non-zero when the endpoint cannot be reached, a tool is missing, or run_code did not answer "hello".
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const url = new URL(process.argv[2] ?? process.env.KIFF_MCP_URL ?? "http://localhost:8080/mcp");
const key = process.env.KIFF_API_KEY;
if (!key) {
  console.error("set KIFF_API_KEY to a tenant's API key");
  process.exit(2);
}

const transport = new StreamableHTTPClientTransport(url, {
  requestInit: { headers: { Authorization: `Bearer ${key}` } },
});
const client = new Client({ name: "kiff-mcp-smoke", version: "0.1.0" });

function show(result) {
  for (const item of result.content ?? []) {
    if (item.type === "text") {
      console.log(item.text);
    } else if (item.type === "image") {
      console.log(`[image ${item.mimeType}, ${Buffer.from(item.data, "base64").length} bytes]`);
    }
  }
  console.log("structured:", JSON.stringify(result.structuredContent));
  console.log("isError:", Boolean(result.isError));
}

try {
  await client.connect(transport);
  const server = client.getServerVersion();
  console.log(`connected to ${server?.name} ${server?.version} at ${url}`);

  const tools = (await client.listTools()).tools.map((t) => t.name);
  console.log("tools:", tools.join(", "));
  for (const wanted of ["run_code", "list_vm_types"]) {
    if (!tools.includes(wanted)) {
      throw new Error(`the server offers no ${wanted}`);
    }
  }

  console.log("\n== list_vm_types");
  show(await client.callTool({ name: "list_vm_types", arguments: {} }));

  console.log("\n== run_code (python)");
  const run = await client.callTool({
    name: "run_code",
    arguments: { vmType: "code-exec", language: "python", code: "import sys\nprint('hello from kiff')\nprint(6 * 7)\nprint('a warning', file=sys.stderr)" },
  });
  show(run);
  if (run.isError || !String(run.structuredContent?.stdout).includes("hello from kiff")) {
    throw new Error("run_code did not answer the program's output");
  }

  console.log("\n== run_code that fails (expect isError)");
  const failed = await client.callTool({
    name: "run_code",
    arguments: { vmType: "code-exec", language: "bash", code: "echo failing >&2; exit 3" },
  });
  show(failed);
  if (!failed.isError) {
    throw new Error("a failed run was not a tool error");
  }
  console.log("\nsmoke OK");
} catch (e) {
  console.error("smoke FAILED:", e?.message ?? e);
  process.exitCode = 1;
} finally {
  await client.close();
}
