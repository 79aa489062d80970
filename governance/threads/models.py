"""The jardinier's door: private threads between a pioneer or member and the coordinators."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ThreadStatus(models.TextChoices):
    OPEN = "open", _("Open, awaiting the coordinator")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class CoordinatorThread(models.Model):
    """A private conversation: visible to its author and to the coordinators only."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinator_threads",
        verbose_name=_("author"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ThreadStatus.choices, default=ThreadStatus.OPEN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    last_message_at = models.DateTimeField(_("last message at"))
    # The first time a coordinator answered: the median of these delays is public.
    first_answer_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)

    class Meta:
        verbose_name = _("thread with the coordinator")
        verbose_name_plural = _("threads with the coordinator")
        ordering = ["-last_message_at", "-id"]
        indexes = [models.Index(fields=["status", "last_message_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(subject=""), name="thread_has_a_subject"),
        ]

    def __str__(self) -> str:
        return self.subject


class ThreadMessage(models.Model):
    thread = models.ForeignKey(CoordinatorThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_coordinator = models.BooleanField(_("from the coordinator"), default=False)
    body = models.TextField(_("message"))
    attachment = models.FileField(
        _("attachment"), upload_to="threads/%Y/%m/", blank=True, max_length=255
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message to the coordinator")
        verbose_name_plural = _("messages to the coordinator")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="thread_message_has_a_body"),
        ]

    def __str__(self) -> str:
        return f"{self.thread_id}#{self.pk}"
