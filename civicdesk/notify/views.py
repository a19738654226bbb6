"""The in-app inbox: a user's notifications, marking them read, and how they want to be notified."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.cases import clock
from civicdesk.org.models import Role
from civicdesk.web.views.common import paginate

from .models import Channel, Notification, Preference


def inbox_of(user):
    return Notification.objects.filter(user=user, channel=Channel.INAPP)


def unread_count(user):
    return inbox_of(user).filter(read_at__isnull=True).count()


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["email", "sms", "language"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].help_text = user.email or _("账号未填写邮箱，收不到邮件")
        self.fields["sms"].help_text = user.phone or _("账号未填写手机号，收不到短信")
        self.fields["language"].required = False


@login_required
def inbox(request):
    preference = Preference.objects.filter(user=request.user).first() or Preference(user=request.user)
    staff = request.user.role != Role.CITIZEN
    form = PreferenceForm(request.POST or None, instance=preference, user=request.user) if staff else None
    if request.method == "POST" and form is not None and form.is_valid():
        form.save()
        messages.success(request, _("通知设置已保存"))
        return redirect("notify:inbox")
    page = paginate(request, inbox_of(request.user).select_related("case").order_by("-created_at", "-pk"))
    return render(request, "notify/inbox.html", {"page": page, "form": form})


@login_required
def open_notification(request, pk):
    notification = get_object_or_404(inbox_of(request.user), pk=pk)
    if notification.read_at is None:
        inbox_of(request.user).filter(pk=pk).update(read_at=clock.now())
    if request.user.role == Role.CITIZEN:
        return redirect("web:my_cases")
    return redirect(reverse("web:case", args=[notification.case.number]))


@login_required
@require_POST
def read_all(request):
    inbox_of(request.user).filter(read_at__isnull=True).update(read_at=clock.now())
    return redirect("notify:inbox")
