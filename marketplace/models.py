from django.db import models


class UndeliveredTask(models.Model):
    """A background task the broker could not take (Redis unreachable):
    kept here and sent again by ``undelivered_tasks_resend``, so an order
    placed while the broker is down still gets its e-mails later."""

    name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.name}{tuple(self.args)}"
