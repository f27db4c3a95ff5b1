import os
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from comments.tasks import EDITORS_GROUP


class Command(BaseCommand):
    help = "Create an editor: a staff account in the Editors group, who moderates and writes."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument(
            "--password-from-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable instead of asking.",
        )
        # The name their comments on the site are signed with (never the username).
        parser.add_argument("--first-name", default="", help="First name, shown on comments.")
        parser.add_argument("--last-name", default="", help="Last name, shown on comments.")

    def handle(
        self, username, email, password_from_env=None, first_name="", last_name="", **options
    ):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"There is already an account called {username!r}.")
        password = os.environ.get(password_from_env, "") if password_from_env else ""
        if not password:
            password = getpass("Password: ")
            if password != getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        user = User(username=username, email=email, is_staff=True)
        user.first_name, user.last_name = first_name.strip(), last_name.strip()
        try:
            user.clean_fields(exclude=["password", "username", "email"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=EDITORS_GROUP))
        self.stdout.write(self.style.SUCCESS(f"Editor {username!r} created; log in at /admin/."))
