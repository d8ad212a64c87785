"""The benchmark behind the Performance page: `python -m bench` (`make bench`).

It measures each framework's Items API served by the production command the
Compare page gives and as the framework's documentation serves it in
production, the other rows and reference points the registry lists
(`guide/frameworks.yml`), and many slow requests and WebSockets held at once,
and writes `bench/results.json`, which the Performance page renders. Only
loopback traffic; every load is bounded in time and in count.

Modules: `machine` (the machine and software probe), `load` (the load
generators: wrk, slow requests, WebSockets), `measure` (one server started,
loaded and stopped), `run` (what to measure, from the registry), `servers/`
(the reference servers and the launchers of the extra rows). `context.yml`
holds what the page says of other benchmarks, with its sources.
"""
