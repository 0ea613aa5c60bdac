"""`amana bench load`: 200 simulated staff against the scale-out, one app process killed.

`amana bench load` (`outer.py`, no Django) starts the scale-out (`amana.ops.scaleout`) under
its directory, points this process at it and runs the `load` target of `amana bench`
(`run.py`): seed the primary when it has no case (50,000 cases by default, with enough seeded
caseworkers for the users), give the seeded staff one known password (hashed once, with the
production hasher: every log-in costs what a real one does), record consent and plan
referrals, run locust headless (`locustfile.py`: a day's mix, 2-8 s pauses, logins spread
over the ramp-up, one session per user), kill `app1` with -9 part-way through, and check
what the database gained against what locust saw succeed (`figures.py`). JSON on stdout;
then the scale-out is stopped and its directory removed (`--keep` leaves it running).
"""
