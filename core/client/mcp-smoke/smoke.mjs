// Connects to Kiff's MCP endpoint with the official TypeScript SDK, lists the tools, runs code once, then works in a
// data-processing session as an agent would (a DataFrame kept across runs, a plot, a file up and down) and prints
// what came back. Usage: KIFF_API_KEY=... node smoke.mjs [http://localhost:8080/mcp]
// Exits non-zero when the endpoint cannot be reached, a tool is missing, or an answer is not the expected one.
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

async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  show(result);
  return result;
}

function expect(condition, what) {
  if (!condition) {
    throw new Error(what);
  }
}

/** The value of the run's last expression, as the session displayed it. */
function valueOf(result) {
  return (result.structuredContent?.display ?? []).find((d) => d.mimeType === "text/plain")?.text;
}

// An agent's multi-step session: state, a plot, files, then the end.
async function sessionSmoke() {
  console.log("\n== create_session (data-processing)");
  const created = await call("create_session", { vmType: "data-processing", idleTimeoutMs: 120000 });
  expect(!created.isError && created.structuredContent?.state === "READY", "the session did not get ready");
  const sessionId = created.structuredContent.sessionId;
  let closed = false;
  try {
    console.log("\n== run_in_session: load a DataFrame");
    const load = await call("run_in_session", {
      sessionId, code: 'import pandas as pd\ndf = pd.DataFrame({"a": [1, 2, 3]})',
    });
    expect(!load.isError, "loading the DataFrame failed");

    console.log("\n== run_in_session: use it in the next run");
    const sum = await call("run_in_session", { sessionId, code: "df.a.sum()" });
    // numpy 2 shows np.int64(6), numpy 1 shows 6.
    expect(!sum.isError && /^(np\.int64\()?6\)?$/.test(valueOf(sum) ?? ""),
      `df.a.sum() answered ${valueOf(sum)}, not 6: the DataFrame was not kept`);

    console.log("\n== run_in_session: a plot");
    const plot = await call("run_in_session", {
      sessionId, code: 'import matplotlib.pyplot as plt\nplt.plot(df.a, df.a ** 2)\nplt.title("squares")',
    });
    const images = (plot.content ?? []).filter((c) => c.type === "image" && c.mimeType === "image/png");
    expect(!plot.isError && images.length === 1, "the plot did not come back as one PNG image");
    expect(Buffer.from(images[0].data, "base64").subarray(1, 4).toString() === "PNG", "the image is not a PNG");

    console.log("\n== upload_file, change it with code, download_file, list_files");
    const up = await call("upload_file", { sessionId, path: "data/in.csv", content: "a,b\n1,2\n3,4\n" });
    expect(!up.isError, "upload_file failed");
    const change = await call("run_in_session", {
      sessionId,
      code: 'd = pd.read_csv("/workspace/data/in.csv")\nd["c"] = d.a + d.b\nd.to_csv("/workspace/data/out.csv", index=False)',
    });
    expect(!change.isError, "the code changing the file failed");
    const down = await call("download_file", { sessionId, path: "data/out.csv" });
    expect(!down.isError && down.structuredContent?.content === "a,b,c\n1,2,3\n3,4,7\n",
      "download_file did not answer the changed file");
    const listing = await call("list_files", { sessionId });
    const paths = (listing.structuredContent?.files ?? []).map((f) => f.path);
    expect(!listing.isError && paths.includes("data/in.csv") && paths.includes("data/out.csv"),
      "list_files did not list both files");

    console.log("\n== close_session");
    const close = await call("close_session", { sessionId });
    closed = true;
    expect(!close.isError && close.structuredContent?.state === "DELETED", "close_session did not end it");
    const after = await call("run_in_session", { sessionId, code: "df" });
    expect(after.isError, "a closed session still ran code");
  } finally {
    if (!closed) {
      await client.callTool({ name: "close_session", arguments: { sessionId } }).catch(() => {});
    }
  }
}

try {
  await client.connect(transport);
  const server = client.getServerVersion();
  console.log(`connected to ${server?.name} ${server?.version} at ${url}`);

  const tools = (await client.listTools()).tools.map((t) => t.name);
  console.log("tools:", tools.join(", "));
  for (const wanted of ["run_code", "list_vm_types", "create_session", "run_in_session", "upload_file",
    "download_file", "list_files", "close_session"]) {
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
  await sessionSmoke();
  console.log("\nsmoke OK");
} catch (e) {
  console.error("smoke FAILED:", e?.message ?? e);
  process.exitCode = 1;
} finally {
  await client.close();
}
