import json
# A conformance watch on every call: the HTTP status against the model's responseCode, and every
# member of a JSON body against the output shape (members the SDK would drop silently).
PROBLEMS = []
def _shape_names(shape):
    return {m.serialization.get("name", k) for k, m in shape.members.items()} if shape is not None else set()
def _walk(shape, value, where):
    if shape is None or value is None:
        return
    t = shape.type_name
    if t == "structure" and isinstance(value, dict):
        names = {m.serialization.get("name", k): m for k, m in shape.members.items()}
        for k, v in value.items():
            if k not in names:
                PROBLEMS.append("%s: unknown member %s" % (where, k))
            else:
                _walk(names[k], v, where + "." + k)
    elif t == "list" and isinstance(value, list):
        for i, v in enumerate(value[:3]):
            _walk(shape.member, v, where + "[]")
    elif t == "map" and isinstance(value, dict):
        for k, v in list(value.items())[:3]:
            _walk(shape.value, v, where + "{}")
def watch(client):
    sid = client.meta.service_model.service_id.hyphenize()
    def hook(operation_model, response_dict, **kw):
        status = response_dict["status_code"]
        name = operation_model.name
        if status < 300:
            want = operation_model.http.get("responseCode", 200)
            if status != want:
                PROBLEMS.append("%s: status %s, model says %s" % (name, status, want))
            out = operation_model.output_shape
            payload = out.serialization.get("payload") if out is not None else None
            body = response_dict["body"]
            if body and not payload:
                try:
                    _walk(out, json.loads(body), name)
                except ValueError:
                    PROBLEMS.append("%s: body is not JSON" % name)
        else:
            try:
                b = json.loads(response_dict["body"] or b"{}")
                extra = set(b) - {"message"}
                if extra:
                    PROBLEMS.append("%s: error body members %s" % (name, sorted(extra)))
            except ValueError:
                PROBLEMS.append("%s: error body is not JSON" % name)
    client.meta.events.register("before-parse.%s.*" % sid, hook)
    return client
def report():
    print("PROBLEMS", json.dumps(sorted(set(PROBLEMS))))

# Ids the server makes up print as <name>, so a scenario's output can be compared line by line.
IDS = {}
def reg(name, value):
    IDS[value] = "<%s>" % name
    return value
def say(*parts):
    line = " ".join(str(p) for p in parts)
    for v, n in sorted(IDS.items(), key=lambda kv: -len(kv[0])):
        line = line.replace(v, n)
    print(line)
