"""kiff: call the user's services from inside a Kiff sandbox (standard library only).

A sandbox has no network. Each service binding its VM type allows is reachable through the worker's gateway at
the base URL in ``KIFF_<NAME>_URL`` (``KIFF_ML_URL``, ``KIFF_VECTORS_URL``, ``KIFF_BACKEND_URL``); the gateway adds
the service's credential, so code never holds it. Any HTTP client works with those URLs; this module is a thin
convenience over urllib::

    import kiff
    kiff.ml.predict("sentiment", ["what a day"])        # POST {ml}/v1/models/sentiment/predict
    kiff.ml.embed(["a text"])                           # POST {ml}/v1/embeddings
    kiff.vectors.search("docs", [0.1, 0.2], top_k=5)    # POST {vectors}/v1/collections/docs/search
    kiff.backend.get("/v1/users/42")                    # GET  {backend}/v1/users/42
    kiff.post("ml", "/anything", json={"x": 1})         # any binding, any path

The gateway is always on the sandbox's loopback, so requests go to it directly: ``HTTP_PROXY`` and the like in
the job's environment are ignored here.

Errors: ``kiff.BindingNotAvailable`` when the VM type does not offer the binding, ``kiff.HTTPError`` (with
``status`` and ``body``) for answers of 400 and above -- 403 when the gateway refuses the binding, 429 when the
job's gateway quota is used up.
"""
import json as _json
import os
import urllib.error
import urllib.parse
import urllib.request

# No ProxyHandler reading the environment: a proxy variable set by the job must not divert gateway calls.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

__all__ = ["BindingNotAvailable", "HTTPError", "Response", "url", "get", "post", "request", "ml", "vectors",
           "backend"]


class BindingNotAvailable(RuntimeError):
    """This job's VM type does not offer the binding (no KIFF_<NAME>_URL in the environment)."""


class HTTPError(RuntimeError):
    def __init__(self, status, body, url):
        super().__init__("%s answered %d: %s" % (url, status, body[:200].decode("utf-8", "replace")))
        self.status = status
        self.body = body
        self.url = url


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return _json.loads(self.body)


def url(binding):
    """The base URL of ``binding`` inside this sandbox."""
    value = os.environ.get("KIFF_%s_URL" % binding.upper())
    if not value:
        raise BindingNotAvailable("binding %r is not available to this job's VM type" % binding)
    return value.rstrip("/")


def request(method, binding, path, params=None, json=None, data=None, headers=None, timeout=30):
    target = url(binding) + "/" + path.lstrip("/")
    if params:
        target += "?" + urllib.parse.urlencode(params)
    headers = dict(headers or {})
    if json is not None:
        data = _json.dumps(json).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(data, str):
        data = data.encode("utf-8")
    req = urllib.request.Request(target, data=data, headers=headers, method=method)
    try:
        with _opener.open(req, timeout=timeout) as answer:
            return Response(answer.status, dict(answer.headers), answer.read())
    except urllib.error.HTTPError as e:
        raise HTTPError(e.code, e.read() or b"", target) from None


def get(binding, path, params=None, timeout=30):
    return request("GET", binding, path, params=params, timeout=timeout)


def post(binding, path, json=None, data=None, headers=None, timeout=30):
    return request("POST", binding, path, json=json, data=data, headers=headers, timeout=timeout)


class _Ml:
    def predict(self, model, inputs, timeout=60):
        return post("ml", "/v1/models/%s/predict" % urllib.parse.quote(model, safe=""), json={"inputs": inputs},
                    timeout=timeout).json()

    def embed(self, texts, model=None, timeout=60):
        body = {"input": texts}
        if model is not None:
            body["model"] = model
        return post("ml", "/v1/embeddings", json=body, timeout=timeout).json()


class _Vectors:
    def search(self, collection, vector, top_k=10, timeout=30):
        return post("vectors", "/v1/collections/%s/search" % urllib.parse.quote(collection, safe=""),
                    json={"vector": vector, "top_k": top_k}, timeout=timeout).json()

    def upsert(self, collection, points, timeout=30):
        return post("vectors", "/v1/collections/%s/points" % urllib.parse.quote(collection, safe=""),
                    json={"points": points}, timeout=timeout).json()


class _Backend:
    def get(self, path, params=None, timeout=30):
        return get("backend", path, params=params, timeout=timeout).json()

    def post(self, path, json=None, timeout=30):
        return post("backend", path, json=json, timeout=timeout).json()


ml = _Ml()
vectors = _Vectors()
backend = _Backend()
