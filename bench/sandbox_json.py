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


def curl_posts(base, key):
    log = json.load(sys.stdin)["requests"]
    posts = [r for r in log if r["method"] == "POST"]
    blocks = []
    for r in posts:
        lines = ["url = " + quoted(url_of(base, r)),
                 "header = " + quoted("Authorization: Bearer " + key)]
        ctype = next((v for k, v in r["headers"].items() if k.lower() == "content-type"), None)
        if ctype:
            lines.append("header = " + quoted("Content-Type: " + ctype))
        lines += ["data-binary = " + quoted(r["body"]), 'output = "/dev/null"']
        blocks.append("\n".join(lines))
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
    elif command == "count-posts":
        count_posts(int(args[0]))
    else:
        sys.exit(__doc__)
