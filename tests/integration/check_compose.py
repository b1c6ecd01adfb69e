#!/usr/bin/env python3
"""Checks docker-compose.yml as `docker-compose config` resolved it (YAML on
stdin) against what the stack needs, without a Docker engine: the services
(every daemon twice, -a and -b, but the gateway), one image built from
scripts/Dockerfile, each daemon's program and options as its --help knows
them, endpoints that meet (every address a service connects to is one
another service binds on 0.0.0.0, same port, and a client of a daemon that
runs twice is given both, as a list), the ingest pair (one primary, one
backup, each --peer the other's ingest_peer, each its own night-log
volume), healthchecks where something waits on them, restart policies, and
the volumes (config, night, night logs, keys). Exits 1 with the list of
what is wrong.

    check_compose.py --bin DIR --root DIR < resolved.yaml
"""

import argparse
import os
import re
import subprocess
import sys

import yaml

DAEMONS = {"ingest": "tallyroom-ingest", "tally": "tallyroom-tally",
           "publisher": "tallyroom-publisher", "gateway": "tallyroom-gateway"}
# Each daemon but the gateway runs twice: NAME-a and NAME-b.
HALVES = ("a", "b")
PAIRED = ("ingest", "tally", "publisher")
SERVICES = {f"{kind}-{half}" for kind in PAIRED for half in HALVES} | {"gateway", "keys", "feeder"}
# What each daemon binds, by endpoint name (proto/README.md, "Endpoints").
BINDS = {"ingest": {"ingest", "ingest_pub", "ingest_records", "ingest_peer"},
         "tally": {"tally_pub", "tally_snapshot"},
         "publisher": {"publisher_pub", "publisher_snapshot"}}
KEYS_DIR = "/etc/tallyroom/keys"

problems = []


def kind_of(name):
    """ingest-a -> ingest: the daemon a service runs."""
    kind, _, half = name.rpartition("-")
    return kind if kind in PAIRED and half in HALVES else name


def expect(condition, message):
    if not condition:
        problems.append(message)


def options_of(command):
    """The -e NAME=URL pairs and the other options of a command list."""
    endpoints, others = {}, {}
    index = 0
    while index < len(command):
        word = command[index]
        if word == "-e" and index + 1 < len(command):
            name, _, url = command[index + 1].partition("=")
            endpoints[name] = url
            index += 2
        elif word.startswith("-") and index + 1 < len(command):
            others[word] = command[index + 1]
            index += 2
        else:
            others.setdefault("args", []).append(word)
            index += 1
    return endpoints, others


def help_of(bin_dir, program, subcommand=None):
    path = os.path.join(bin_dir, program)
    if not os.access(path, os.X_OK):
        problems.append(f"{program}: not built in {bin_dir}, or not runnable")
        return ""
    argv = [path] + ([subcommand] if subcommand else []) + ["--help"]
    return subprocess.run(argv, capture_output=True, text=True).stdout


def check_command(name, service, bin_dir, root):
    command = service.get("command")
    if not isinstance(command, list) or not command:
        problems.append(f"{name}: command is not a list of words")
        return {}, {}
    program, subcommand = command[0], None
    kind = kind_of(name)
    if name == "feeder":
        expect(command[:2] == ["tallyroom", "replay"], f"feeder: runs {command[:2]}, not tallyroom replay")
        subcommand = "replay"
    elif kind in DAEMONS:
        expect(program == DAEMONS[kind], f"{name}: runs {program}, not {DAEMONS[kind]}")
    else:
        return {}, {}
    usage = help_of(bin_dir, program, subcommand)
    if not usage:
        return {}, {}
    endpoints, others = options_of(command[2 if subcommand else 1:])
    endpoint_names = set(re.findall(r"[a-z_]+", usage.split("NAME is one of", 1)[-1].split("\n  -", 1)[0]))
    for endpoint in endpoints:
        expect(endpoint in endpoint_names,
               f"{name}: -e {endpoint}: {program} {subcommand or ''} --help does not know that endpoint")
    for option in others:
        if option != "args":
            expect(re.search(rf"(^|[ ,]){re.escape(option)}[ ,\n]", usage, re.M) is not None,
                   f"{name}: option {option} is not in {program} --help")
    config = others.get("-c")
    expect(config is not None, f"{name}: no -c CONFIG")
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = (volume["source"], volume["target"]) if isinstance(volume, dict) \
            else volume.split(":")[:2]
        mounts[target] = source
    for path in [config] + ([command[-1]] if name == "feeder" else []):
        if path is None:
            continue
        expect(path in mounts, f"{name}: {path} is not on a volume")
        if path in mounts and mounts[path].startswith("/"):
            expect(os.path.isfile(mounts[path]), f"{name}: {mounts[path]} does not exist")
            expect(os.path.dirname(mounts[path]) == os.path.join(root, "config"),
                   f"{name}: {path} comes from {mounts[path]}, not the repository's config/")
    expect(mounts.get(KEYS_DIR) == "keys", f"{name}: the keys volume is not at {KEYS_DIR}")
    expect(others.get("-k") == KEYS_DIR, f"{name}: -k is {others.get('-k')}, not the keys volume {KEYS_DIR}")
    if "--cert" in others:
        expect(os.path.dirname(others["--cert"]) == KEYS_DIR, f"{name}: --cert is not in {KEYS_DIR}")
    if kind == "ingest":
        log = others.get("--log", "")
        volume = mounts.get(os.path.dirname(log), "")
        expect(volume.startswith("night-log"),
               f"{name}: the night log {log or '(none)'} is not on a night-log volume")
        others["night-log volume"] = volume
    return endpoints, others


def networks_of(service):
    networks = service.get("networks") or {}
    return set(networks) if service.get("network_mode") != "none" else set()


def check_networks(services, all_endpoints, bound):
    """Whoever connects to an endpoint shares a network with its binders; a
    tally (internal links only) shares none with the feeder and publishes no port."""
    for name, endpoints in all_endpoints.items():
        for endpoint, url in endpoints.items():
            for binder in bound.get(endpoint, {}):
                if binder != name and binder in services:
                    expect(networks_of(services[name]) & networks_of(services[binder]),
                           f"{name} connects to {endpoint} on {binder}, and they share no network")
    feeder = services.get("feeder", {})
    for name in sorted(services):
        if kind_of(name) == "tally":
            tally = services[name]
            expect(not (networks_of(tally) & networks_of(feeder)), f"the feeder shares a network with {name}")
            expect(not tally.get("ports"), f"{name} publishes ports {tally.get('ports')}")
    expect(services.get("keys", {}).get("network_mode") == "none", "keys: has a network")


def check_keys_service(service):
    script = " ".join(service.get("command") or [])
    for needed in ("keygen", "server", "desk", "centres", "subscribers", "chown"):
        expect(needed in script, f"keys: its command does not mention {needed}")
    mounts = [v["target"] if isinstance(v, dict) else v.split(":")[1] for v in service.get("volumes", [])]
    expect(KEYS_DIR in mounts, f"keys: the keys volume is not at {KEYS_DIR}")


def check_endpoints(services, all_endpoints):
    """Returns {endpoint: {binding service: port}}."""
    bound = {}
    for name, endpoints in all_endpoints.items():
        for endpoint, url in endpoints.items():
            for one in url.split(","):
                match = re.fullmatch(r"tcp://([^:/]+):(\d+)", one)
                expect(match is not None, f"{name}: {endpoint}={url} is not tcp://HOST:PORT[,...]")
                if match and match.group(1) == "0.0.0.0":
                    expect("," not in url, f"{name} binds {endpoint} to a list, {url}")
                    expect(endpoint in BINDS.get(kind_of(name), ()),
                           f"{name} binds {endpoint}, which it does not own")
                    bound.setdefault(endpoint, {})[name] = match.group(2)
    for name in sorted(services):
        for endpoint in sorted(BINDS.get(kind_of(name), ())):
            expect(name in bound.get(endpoint, {}), f"{name}: does not bind {endpoint} on 0.0.0.0")
    for name, endpoints in all_endpoints.items():
        for endpoint, url in endpoints.items():
            hosts = []
            for one in url.split(","):
                match = re.fullmatch(r"tcp://([^:/]+):(\d+)", one)
                if match and match.group(1) != "0.0.0.0":
                    host, port = match.groups()
                    hosts.append(host)
                    expect(bound.get(endpoint, {}).get(host) == port,
                           f"{name}: connects {endpoint} to {one}, but it is bound as {bound.get(endpoint)}")
            # a client of a daemon that runs twice follows both, or it does
            # not move when one is gone
            missing = sorted(set(bound.get(endpoint, {})) - set(hosts)) if hosts else []
            expect(not missing, f"{name}: {endpoint} lists {','.join(hosts)}, not {','.join(missing)}: "
                                f"it cannot move there when the other is gone")
    return bound


def check_pair(services, all_options, bound):
    """One primary and one backup, each --peer the other's ingest_peer, each
    its night log on a volume of its own."""
    ingests = sorted(name for name in services if kind_of(name) == "ingest")
    roles = sorted(all_options.get(name, {}).get("--pair", "(none)") for name in ingests)
    expect(roles == ["backup", "primary"], f"the ingests' --pair are {roles}, not one primary and one backup")
    for name in ingests:
        for other in ingests:
            if other != name:
                peer = f"tcp://{other}:{bound.get('ingest_peer', {}).get(other)}"
                expect(all_options.get(name, {}).get("--peer") == peer,
                       f"{name}: --peer is {all_options.get(name, {}).get('--peer')}, not {other}'s "
                       f"ingest_peer {peer}")
    volumes = [all_options.get(name, {}).get("night-log volume") for name in ingests]
    expect(len(set(volumes)) == len(volumes), f"the ingests share a night-log volume: {volumes}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--root", required=True)
    args = parser.parse_args()
    compose = yaml.safe_load(sys.stdin)
    services = compose.get("services", {})
    expect(set(services) == SERVICES, f"services are {sorted(services)}, not {sorted(SERVICES)}")
    builders = [name for name, service in services.items() if "build" in service]
    expect(len(builders) == 1, f"services that build an image: {builders}, not exactly one")
    for name in builders:
        build = services[name]["build"]
        expect(build.get("dockerfile") == "scripts/Dockerfile", f"{name} builds from {build.get('dockerfile')}")
        expect(os.path.realpath(build.get("context", "")) == os.path.realpath(args.root),
               f"{name}: build context is {build.get('context')}, not the repository")
    with open(os.path.join(args.root, "scripts/Dockerfile"), encoding="utf-8") as f:
        froms = re.findall(r"^FROM\s+(\S+)", f.read(), re.M)
    expect(froms and all(image == "debian:12" for image in froms), f"Dockerfile bases: {froms}")
    all_endpoints, all_options = {}, {}
    for name, service in services.items():
        expect(service.get("image") == "tallyroom:latest", f"{name}: image {service.get('image')}")
        endpoints, options = check_command(name, service, args.bin, args.root)
        all_endpoints[name], all_options[name] = endpoints, options
        if kind_of(name) in DAEMONS:
            expect(service.get("restart") in ("unless-stopped", "always"),
                   f"{name}: restart is {service.get('restart')}")
            test = service.get("healthcheck", {}).get("test")
            expect(bool(test) and test != ["NONE"], f"{name}: no healthcheck")
            if test and "tallyroom status" in " ".join(test):
                expect(f"-k {KEYS_DIR}" in " ".join(test), f"{name}: its healthcheck has no -k {KEYS_DIR}")
        for upstream, condition in (service.get("depends_on") or {}).items():
            expect(upstream in services, f"{name} depends on {upstream}, which is not a service")
            if condition.get("condition") == "service_healthy":
                expect("healthcheck" in services.get(upstream, {}),
                       f"{name} waits for {upstream} to be healthy, and it has no healthcheck")
        if name != "keys":
            expect("depends_on" in service, f"{name}: starts without waiting for anything")
    expect(services.get("feeder", {}).get("restart") in ("on-failure", "no"),
           f"feeder: restart is {services.get('feeder', {}).get('restart')}: a finished replay must not rerun forever")
    expect({"night-log-a", "night-log-b", "keys"} <= set(compose.get("volumes") or {}),
           f"named volumes are {sorted(compose.get('volumes') or {})}")
    bound = check_endpoints(services, all_endpoints)
    check_networks(services, all_endpoints, bound)
    check_pair(services, all_options, bound)
    check_keys_service(services.get("keys", {}))
    for problem in problems:
        print("check_compose:", problem, file=sys.stderr)
    if problems:
        return 1
    print(f"check_compose: {len(services)} services, endpoints meet, the ingest pair, healthchecks, "
          "restart, volumes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
