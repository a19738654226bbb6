"""Request counters per scope, client and time window, shared by every web process through the database."""

from django.db import models


class Counter(models.Model):
    # "<scope>:<client>", the client being a hashed address or an API key's id: never a raw IP address.
    key = models.CharField(max_length=100)
    window = models.BigIntegerField()  # the window's start, in seconds since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="ratelimit_one_counter")]

    def __str__(self):
        return f"{self.key} @{self.window}: {self.count}"
