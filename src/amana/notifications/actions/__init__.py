"""The notification centre's write path.

    notify  `notify(...)`, called inside other apps' actions; the unread counters
    read    marking notifications read (`do_mark_notification_read`, `..._all_...`)
    email   sending one notification's e-mail (`do_email_notification`, the job's work)

Import from the submodules: this package imports none of them, so that the e-mail job can
import `email` without importing `notify`, which enqueues that job.
"""
