from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

APP_LABEL = "wagtail_conditions"
MODEL = "appointmentrequest"
ACCESS_ADMIN = ("wagtailadmin", "access_admin")


class Command(BaseCommand):
    help = (
        "Create (or bring up to date) the “Front desk” group: Wagtail admin access plus view, "
        "change and export of appointment requests -- never add, and delete only with "
        "--with-delete. Safe to run again; other permissions the group has are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-delete",
            action="store_true",
            help="Also let the group delete appointment requests.",
        )
        parser.add_argument(
            "--name", default="Front desk", help="Group name (default: %(default)s)."
        )

    def handle(self, *args, with_delete, name, **options):
        wanted_actions = ["view", "change", "export"] + (["delete"] if with_delete else [])
        model_perms = Permission.objects.filter(
            content_type__app_label=APP_LABEL, content_type__model=MODEL
        )
        wanted = set(model_perms.filter(codename__in=[f"{a}_{MODEL}" for a in wanted_actions]))
        access_admin = Permission.objects.filter(
            content_type__app_label=ACCESS_ADMIN[0], codename=ACCESS_ADMIN[1]
        ).first()
        if access_admin is None or len(wanted) != len(wanted_actions):
            raise CommandError(_("Permissions are missing: run “manage.py migrate” first."))
        wanted.add(access_admin)

        group, created = Group.objects.get_or_create(name=name)
        self.stdout.write(
            (_("Created group “%(name)s”.") if created else _("Group “%(name)s” exists."))
            % {"name": name}
        )
        current = set(group.permissions.all())
        # Of this model's permissions, the group keeps exactly the wanted ones.
        to_remove = {perm for perm in current & set(model_perms) if perm not in wanted}
        to_add = wanted - current
        group.permissions.remove(*to_remove)
        group.permissions.add(*to_add)

        def label(perm):
            return f"{perm.content_type.app_label}.{perm.codename}"

        for perm in sorted(to_add, key=label):
            self.stdout.write(_("  added %(perm)s") % {"perm": label(perm)})
        for perm in sorted(to_remove, key=label):
            self.stdout.write(_("  removed %(perm)s") % {"perm": label(perm)})
        for perm in sorted(wanted & current, key=label):
            self.stdout.write(_("  kept %(perm)s") % {"perm": label(perm)})
        others = current - set(model_perms) - {access_admin}
        if others:
            self.stdout.write(
                _("  left %(count)s other permissions unchanged") % {"count": len(others)}
            )
        self.stdout.write(self.style.SUCCESS(_("Front desk group is ready.")))
