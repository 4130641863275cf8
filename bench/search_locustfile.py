"""locust users for :mod:`bench.public_search`: each takes a query at random (from
``BENCH_QUERIES_FILE``) and asks ``BENCH_PATH`` for page 1, or now and then pages 2–5; no think
time. ``/healthz`` is asked as it is."""

import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, task

PATH = os.environ["BENCH_PATH"]
QUERIES = json.loads(Path(os.environ["BENCH_QUERIES_FILE"]).read_text(encoding="utf-8"))


class Citizen(FastHttpUser):
    @task
    def search(self) -> None:
        if PATH == "/healthz":
            self.client.get(PATH, name=PATH)
            return
        page = 1 if random.random() < 0.8 else random.randint(2, 5)
        with self.client.get(
            PATH, params={"q": random.choice(QUERIES), "page": page}, name=PATH, catch_response=True
        ) as response:
            if response.status_code == 404:  # a later page than the query has: an answer, not a failure
                response.success()
