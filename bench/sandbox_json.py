#!/usr/bin/env python3
"""JSON chores of bench/run around connector-sandbox answers (read from stdin).

  updatable-ids N           /_sandbox/state?vendor=timbal: the first N Timbal connectors that are
                            online, on a version that may update remotely (>= 0.1.0) and not on
                            LATEST yet (one id a line; exit 1 when there are fewer)
  curl-posts BASE KEY       /_sandbox/requests: a curl config repeating every logged POST (same
                            URL, content type and body); a summary of the log goes to stderr
  curl-gets BASE            /_sandbox/requests: a curl config fetching every logged GET URL
  count-posts STATUS        /_sandbox/requests: how many POSTs were answered STATUS
  post-phase STATUS         /_sandbox/requests: "COUNT MS": how many POSTs were answered STATUS,
                            and the ms from the first POST received to the last POST answered
                            (the sandbox's clock, ms resolution)
  vendor-ids VENDOR N       /_sandbox/state?vendor=VENDOR: the ids of its first N connectors, comma
                            separated (exit 1 when there are fewer)
  curl-get-put BASE HEADER  /_sandbox/requests: a curl config with, for every logged PUT, a GET of
                            the same URL and that PUT (same content type and body); HEADER is the
                            credential header line both send ("x-apikey: KEY")
  rename-files DIR N        not a sandbox answer: in each DIR/<profile>/ of a `connectorctl export`,
                            appends " (bench)" to the name (label for Bigdata) of the first N
                            files, written as export writes them (sorted keys, two-space indent)
  put-phase STATUS          /_sandbox/requests: "PUTS GETS MS": how many PUTs were answered STATUS,
                            how many GETs went to the URLs that got a PUT, and the ms from the
                            first request to one of those URLs received to the last one answered
  wave-phases ROLLOUT       /_sandbox/requests and ROLLOUT (a file: `connectorctl rollout status
                            --json`): one line per wave, "WAVE POSTS REQUESTS MS": the wave's update
                            POSTs, every Timbal request the sandbox received between the wave's
                            first POST received and its last POST answered (the POSTs and the
                            report polling's list GETs), and that span in ms
  wave-ids ROLLOUT WAVE      not a sandbox answer: the ids of wave WAVE (0-based) of ROLLOUT (a file:
                            `connectorctl rollout status --json`), one a line
"""
import json
import sys

LATEST = (0, 1, 4)
OLDEST_REMOTE = (0, 1, 0)


def version(text):
    return tuple(int(part) for part in text.lstrip("v").split("."))


def url_of(base, request):
    query = "?" + request["query"] if request["query"] else ""
    return "%s/%s%s%s" % (base, request["vendor"], request["path"], query)


def quoted(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


def updatable_ids(count):
    rows = json.load(sys.stdin)["timbal"]
    ids = [c["id"] for c in rows
           if c.get("online") and OLDEST_REMOTE <= version(c["version"]) != LATEST]
    if len(ids) < count:
        sys.exit("only %d updatable Timbal connectors" % len(ids))
    print("\n".join(ids[:count]))


def curl_write(url, method, header, request):
    """A curl config block repeating a logged write: same URL, method (None: curl's own for a
    body, POST), credential header, content type and body."""
    lines = ["url = " + quoted(url)]
    if method:
        lines.append("request = " + method)
    lines.append("header = " + quoted(header))
    ctype = next((v for k, v in request["headers"].items() if k.lower() == "content-type"), None)
    if ctype:
        lines.append("header = " + quoted("Content-Type: " + ctype))
    lines += ["data-binary = " + quoted(request["body"]), 'output = "/dev/null"']
    return "\n".join(lines)


def curl_posts(base, key):
    log = json.load(sys.stdin)["requests"]
    posts = [r for r in log if r["method"] == "POST"]
    blocks = []
    for r in posts:
        blocks.append(curl_write(url_of(base, r), None, "Authorization: Bearer " + key, r))
    print("\nnext\n".join(blocks))
    statuses = {}
    for r in posts:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    answered = ", ".join("%d answered %s" % (n, s) for s, n in sorted(statuses.items()))
    print("%d POST (%s) and %d other requests" % (len(posts), answered, len(log) - len(posts)),
          file=sys.stderr)


def curl_gets(base):
    for r in json.load(sys.stdin)["requests"]:
        if r["method"] == "GET":
            print("url = " + quoted(url_of(base, r)))


def count_posts(status):
    log = json.load(sys.stdin)["requests"]
    print(sum(1 for r in log if r["method"] == "POST" and r["status"] == status))


def post_phase(status):
    posts = [r for r in json.load(sys.stdin)["requests"] if r["method"] == "POST"]
    if not posts:
        print("0 nan")
        return
    span = max(r["answeredMs"] for r in posts) - min(r["receivedMs"] for r in posts)
    print("%d %d" % (sum(1 for r in posts if r["status"] == status), max(span, 1)))


def vendor_ids(vendor, count):
    rows = json.load(sys.stdin)[vendor]
    if len(rows) < count:
        sys.exit("only %d %s connectors" % (len(rows), vendor))
    print(",".join(str(c["id"]) for c in rows[:count]))


def curl_get_put(base, header):
    puts = [r for r in json.load(sys.stdin)["requests"] if r["method"] == "PUT"]
    blocks = []
    for r in puts:
        url = quoted(url_of(base, r))
        blocks.append("\n".join(["url = " + url, "header = " + quoted(header),
                                  'output = "/dev/null"']))
        blocks.append(curl_write(url_of(base, r), "PUT", header, r))
    print("\nnext\n".join(blocks))


def rename_files(folder, count):
    import os
    edited = 0
    for profile in sorted(os.listdir(folder)):
        where = os.path.join(folder, profile)
        if profile.startswith(".") or not os.path.isdir(where):
            continue
        names = sorted(n for n in os.listdir(where) if n.endswith(".json"))[:count]
        for name in names:
            path = os.path.join(where, name)
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            key = "label" if "label" in doc else "name"
            doc[key] = doc[key] + " (bench)"
            with open(path, "w", encoding="utf-8") as f:
                f.write(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
            edited += 1
    print(edited)


def put_phase(status):
    log = json.load(sys.stdin)["requests"]
    puts = [r for r in log if r["method"] == "PUT"]
    if not puts:
        print("0 0 nan")
        return
    paths = {(r["vendor"], r["path"]) for r in puts}
    phase = [r for r in log if (r["vendor"], r["path"]) in paths]
    span = max(r["answeredMs"] for r in phase) - min(r["receivedMs"] for r in phase)
    print("%d %d %d" % (sum(1 for r in puts if r["status"] == status),
                        sum(1 for r in phase if r["method"] == "GET"), max(span, 1)))


def wave_phases(rollout_file):
    log = [r for r in json.load(sys.stdin)["requests"] if r["vendor"] == "timbal"]
    with open(rollout_file) as f:
        rollout = json.load(f)["rollout"]
    wave_of = {item["id"]: item["wave"] for item in rollout["items"] if item["wave"] >= 0}
    for wave in range(rollout["waveCount"]):
        posts = [r for r in log if r["method"] == "POST" and r["path"].endswith("/update")
                 and wave_of.get(r["path"].split("/")[-2]) == wave]
        if not posts:
            print("%d 0 0 nan" % wave)
            continue
        first = min(r["receivedMs"] for r in posts)
        last = max(r["answeredMs"] for r in posts)
        inside = sum(1 for r in log if first <= r["receivedMs"] <= last)
        print("%d %d %d %d" % (wave, len(posts), inside, max(last - first, 1)))


def wave_ids(rollout_file, wave):
    with open(rollout_file) as f:
        for item in json.load(f)["rollout"]["items"]:
            if item["wave"] == wave:
                print(item["id"])


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "updatable-ids":
        updatable_ids(int(args[0]))
    elif command == "curl-posts":
        curl_posts(args[0], args[1])
    elif command == "post-phase":
        post_phase(int(args[0]))
    elif command == "curl-gets":
        curl_gets(args[0])
    elif command == "vendor-ids":
        vendor_ids(args[0], int(args[1]))
    elif command == "curl-get-put":
        curl_get_put(args[0], args[1])
    elif command == "rename-files":
        rename_files(args[0], int(args[1]))
    elif command == "put-phase":
        put_phase(int(args[0]))
    elif command == "wave-ids":
        wave_ids(args[0], int(args[1]))
    elif command == "wave-phases":
        wave_phases(args[0])
    elif command == "count-posts":
        count_posts(int(args[0]))
    else:
        sys.exit(__doc__)
