from django.db import migrations, models

from guard.editors_group import editors_may


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # The Editors group is created there.
        ("comments", "0002_editors_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("worker_id", models.CharField(max_length=64, unique=True)),
                ("host", models.CharField(blank=True, max_length=255)),
                ("pid", models.PositiveIntegerField()),
                ("started_at", models.DateTimeField()),
                ("beat_at", models.DateTimeField(db_index=True)),
            ],
            options={"verbose_name": "task worker", "ordering": ["-beat_at"]},
        ),
        # Editors may see whether the task worker is alive, not change it.
        editors_may("health", ["view_workerheartbeat"]),
    ]
