"""The notification centre: what happened that a user should know of (a referral received, a
form awaiting approval, a task overdue…), shown in the app with an unread badge, and e-mailed
as a neutral sentence and a link. Actions of other apps call `notify.notify` in their
transaction; the app sits low in the layers so that any of them can."""
