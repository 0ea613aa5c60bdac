"""The write path of the job machinery, one module a step: `failures` (a failed attempt
recorded), `requeue` (a dead letter back in the queue)."""
