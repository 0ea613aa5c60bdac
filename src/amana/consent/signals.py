"""What other apps may react to, inside the transaction that records it.

`refusal_recorded` is sent by `actions.do_record_consent` for every refusal or withdrawal,
before the transaction commits: receivers write in that same transaction (the referrals app
revokes the covered pending referrals and tells the recipients). The consent app sits below
the apps that share on its records, so it names no receiver itself.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with record=ConsentRecord, actor=User, origin=str.
refusal_recorded = Signal()
