#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Share-link download benchmark: one large file through ``/crm/share/<token>/
download/<id>`` and through Odoo's own ``/web/content/<attachment id>``.

Sets up once (committed, reused): a customer, its workspace and one document
whose file is ``--size-mb`` MB of random bytes in the filestore, and a share
link of that document without a download limit. Then starts an Odoo server of
its own on ``--port`` (threaded, no cron), logs in as ``admin`` for
``/web/content``, warms both routes up with a first, untimed download each,
and downloads the same attachment through both routes ``--rounds`` times
(alternating which goes first; the median of each is compared). For each
download it reports the wall time and how much the server process's resident
memory grew (peak RSS sampled every 20 ms during the download, minus the RSS
just before it).

Goals: the share link under 50 MB of growth (streamed from the filestore, never
read whole), and its time within 1.2x of Odoo's.

Run it with ``scripts/bench.sh documents`` (installs crm_collab on the bench
database first).
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta

import requests
from benchlib import REPO, odoo_env

DOC_NAME = "Bench large file.bin"
MB = 1024 * 1024


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="crm_suite_bench")
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--rebuild", action="store_true")
    return parser.parse_args()


def setup(db, size_mb, rebuild):
    """(attachment id, document id, share url path) of the bench file."""
    from odoo import fields

    with odoo_env(db) as env:
        Document = env["crm.document"].with_context(tracking_disable=True)
        document = Document.search([("name", "=", DOC_NAME)], limit=1)
        if document and (rebuild or document.file_size != size_mb * MB):
            env["crm.document.share"].search(
                [("document_ids", "in", document.ids)]
            ).unlink()
            document.unlink()
            document = Document
        if not document:
            partner = env["res.partner"].create(
                {"name": "Bench documents customer", "is_company": True}
            )
            folder = env["crm.document.folder"]._workspace_of(partner)
            document = Document.create({"name": DOC_NAME, "folder_id": folder.id})
            print(f"writing {size_mb} MB to the filestore ...", flush=True)
            document._set_file(os.urandom(size_mb * MB), file_name=DOC_NAME)
        share = env["crm.document.share"].search(
            [("document_ids", "in", document.ids), ("revoked", "=", False)], limit=1
        )
        if not share or share.state != "active":
            share = env["crm.document.share"].create(
                {
                    "name": "Bench share",
                    "document_ids": [(6, 0, document.ids)],
                    "expiration_date": fields.Datetime.now() + timedelta(days=30),
                }
            )
        path = share.url.split("/crm/share/", 1)[1]
        result = (document.attachment_id.id, document.id, f"/crm/share/{path}")
        env.cr.commit()
        return result


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_server(db, port):
    command = [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        os.path.join(REPO, "odoo.conf"),
        "-d",
        db,
        "--db-filter",
        f"^{db}$",
        "--http-port",
        str(port),
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
        "--log-level",
        "warn",
    ]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    for _attempt in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/health", timeout=2).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the Odoo server did not start")


def download(session, url, pid):
    """(seconds, bytes, peak RSS growth in MB) of one download of ``url``."""
    before = rss_mb(pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    size = 0
    with session.get(url, stream=True, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_content(MB):
            size += len(chunk)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    peak[0] = max(peak[0], rss_mb(pid))
    return elapsed, size, peak[0] - before


def main():
    args = parse_args()
    attachment_id, document_id, share_path = setup(args.db, args.size_mb, args.rebuild)
    server = start_server(args.db, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        odoo_session = requests.Session()
        odoo_session.post(
            f"{base}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {
                    "db": args.db,
                    "login": args.login,
                    "password": args.password,
                },
            },
            timeout=60,
        ).raise_for_status()
        visitor = requests.Session()
        routes = {
            "share link": (visitor, f"{base}{share_path}/download/{document_id}"),
            "/web/content": (
                odoo_session,
                f"{base}/web/content/{attachment_id}?download=true",
            ),
        }
        for name, (session, url) in routes.items():  # warm-up, untimed
            _elapsed, size, _growth = download(session, url, server.pid)
            if size != args.size_mb * MB:
                raise SystemExit(f"{name}: got {size} bytes")
        results = {name: [] for name in routes}
        order = list(routes)
        for round_ in range(args.rounds):
            for name in order if round_ % 2 == 0 else reversed(order):
                session, url = routes[name]
                results[name].append(download(session, url, server.pid))
        print(f"{args.size_mb} MB, {args.rounds} rounds (median time, largest growth):")
        median = {}
        for name, runs in results.items():
            times = sorted(run[0] for run in runs)
            median[name] = statistics.median(times)
            growth = max(run[2] for run in runs)
            print(
                f"  {name:13} {median[name]:6.2f} s  "
                f"{args.size_mb / median[name]:7.1f} MB/s  "
                f"RSS growth {growth:6.1f} MB  "
                f"(best {times[0]:.2f} s, worst {times[-1]:.2f} s, "
                f"server RSS {rss_mb(server.pid):.0f} MB)"
            )
        ratio = median["share link"] / median["/web/content"]
        print(f"  ratio share/odoo (medians): {ratio:.2f}x")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
