"""Benchmarks on a scratch database: `audit` (concurrent audit writers), `cases` (what a
caseworker waits for) and `referrals` (the referral round trip). `amana bench decisions`
(the protocol engine alone) is `amana.protocol.bench`, run without Django."""
