"""Notices (通知与文书): the documents a campaign produces — inspection notices, assignment notices,
result announcements, transfer letters — as PDF, and their delivery to people by inbox, e-mail and
SMS, with the reminders of deadlines."""
