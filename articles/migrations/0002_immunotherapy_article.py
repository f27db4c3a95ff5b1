"""The immunotherapy article, so that a fresh database has something to read."""

import datetime

from django.contrib.auth.hashers import make_password
from django.db import migrations

from articles.rendering import render_article

TITLE = "Unlocking the Power of Immunotherapy: Revolutionizing Cancer Treatment and Beyond"
SLUG = "unlocking-the-power-of-immunotherapy"
SEO_KEYWORDS = [
    "immunotherapy for cancer",
    "what is immunotherapy",
    "immunotherapy side effects",
    "immunotherapy for allergies",
    "can immunotherapy cure stage 4 cancer",
    "immunotherapy for lung cancer",
    "cancer immunotherapy",
]
TAGS = [
    ("Immunotherapy", "immunotherapy"),
    ("Cancer", "cancer"),
    ("Checkpoint inhibitors", "checkpoint-inhibitors"),
    ("CAR-T", "car-t"),
    ("Allergies", "allergies"),
    ("Autoimmune diseases", "autoimmune-diseases"),
    ("Infectious diseases", "infectious-diseases"),
]
EXCERPT = (
    "Immunotherapy harnesses the body’s own immune system to fight disease. How it works "
    "against cancer, what it offers over traditional treatments, its side effects, and where "
    "research is taking it next."
)
META_DESCRIPTION = (
    "What immunotherapy is, how checkpoint inhibitors and CAR-T cell therapy fight cancer, "
    "its benefits and side effects, and its use for allergies and beyond."
)
PUBLISHED_AT = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.timezone.utc)

BODY = """\
In recent years, the field of medicine has witnessed a groundbreaking advancement known as immunotherapy. This innovative approach harnesses the body’s immune system to fight diseases, including cancer, and has shown remarkable potential in transforming the landscape of medical treatments. In this article, we will explore the concept of immunotherapy, its application in cancer treatment, its benefits, possible side effects, and its expanding role beyond cancer therapy.

## What is Immunotherapy?

Immunotherapy is a form of treatment that utilizes the body’s immune system to combat diseases. It works by enhancing or restoring the immune system’s ability to recognize and destroy abnormal cells, such as cancer cells or cells causing allergies. Unlike traditional treatments like chemotherapy and radiation therapy, which directly target the cancer cells, immunotherapy focuses on strengthening the body’s natural defense mechanisms.

## Immunotherapy for Cancer:

Immunotherapy has revolutionized cancer treatment by offering a promising alternative to traditional approaches. It has demonstrated significant success in various types of cancer, including lung cancer, melanoma, and certain forms of leukemia and lymphoma. Here’s a closer look at the application of immunotherapy in cancer treatment:

### (1) Activation of the Immune System

Immunotherapy activates the immune system to recognize cancer cells as foreign invaders. It can involve the administration of immune-stimulating substances or the use of genetically modified cells to enhance the body’s immune response.

### (2) Checkpoint Inhibitors

One of the most common forms of immunotherapy for cancer involves checkpoint inhibitors. These medications target specific proteins on immune cells, enabling them to identify and attack cancer cells more effectively. Checkpoint inhibitors have shown remarkable results in treating advanced or metastatic cancers.

### (3) CAR-T Cell Therapy

CAR-T cell therapy is a personalized immunotherapy approach where a patient’s own immune cells, known as T cells, are genetically modified to recognize and kill cancer cells. This groundbreaking treatment has shown remarkable efficacy in certain types of blood cancers.

## Benefits of Immunotherapy:

Immunotherapy offers several advantages over traditional cancer treatments:

### (1) Targeted Approach

Immunotherapy focuses on specifically targeting cancer cells, sparing healthy cells from damage that can occur with traditional treatments.

### (2) Long-Term Response

In some cases, immunotherapy has demonstrated long-term remission and durable responses, leading to potential cures for certain types of cancer.

### (3) Reduced Side Effects

Compared to chemotherapy and radiation therapy, immunotherapy often has fewer severe side effects. This is because it works with the body’s natural defense mechanisms rather than introducing toxic substances.

## Immunotherapy Side Effects:

While immunotherapy generally has fewer side effects, it can still cause adverse reactions. Common side effects include:

1. Fatigue
2. Skin reactions, such as rashes and itching
3. Flu-like symptoms, including fever, chills, and muscle aches
4. Digestive issues, such as nausea, diarrhea, or loss of appetite
5. Autoimmune reactions, where the immune system attacks healthy cells and organs

It’s important to note that side effects vary depending on the type of immunotherapy and individual patient factors. Healthcare professionals closely monitor patients undergoing immunotherapy to manage and mitigate these potential side effects.

## Immunotherapy Beyond Cancer:

Immunotherapy’s potential extends beyond cancer treatment. Ongoing research and clinical trials are exploring its application in other areas, such as:

### (1) Allergies

Immunotherapy has shown promise in treating allergies, including allergic rhinitis and allergic asthma. It involves gradually exposing patients to small amounts of allergens to desensitize their immune system and reduce allergic reactions.

### (2) Autoimmune Diseases

Certain autoimmune diseases, such as rheumatoid arthritis and multiple sclerosis, involve an overactive immune response. Immunotherapy aims to modulate the immune system and restore balance to alleviate symptoms and slow disease progression.

### (3) Infectious Diseases

Scientists are investigating immunotherapy as a potential treatment for infectious diseases, including viral infections like HIV and hepatitis. By enhancing the immune response, immunotherapy holds promise in combating these challenging conditions.

## Can Immunotherapy Cure Stage 4 Cancer?

Immunotherapy has shown remarkable success in treating stage 4 cancers, where the disease has spread to other parts of the body. While not all patients achieve a complete cure, immunotherapy can significantly prolong survival, improve quality of life, and in some cases, lead to long-term remission.

In conclusion, immunotherapy represents a revolutionary approach to disease treatment by harnessing the power of the immune system. Its application in cancer therapy has transformed the treatment landscape, offering new hope and improved outcomes for patients. Moreover, ongoing research continues to explore the potential of immunotherapy in addressing other diseases and conditions. As this field progresses, it is essential for healthcare providers and patients to stay informed about the latest developments and discuss the potential benefits of immunotherapy for their specific circumstances.
"""


def create_article(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Tag = apps.get_model("articles", "Tag")
    Article = apps.get_model("articles", "Article")
    author, _ = User.objects.get_or_create(
        username="editorial",
        defaults={
            "first_name": "Immunoblog",
            "last_name": "Editorial Team",
            "password": make_password(None),
        },
    )
    rendered = render_article(BODY)
    article = Article.objects.create(
        title=TITLE,
        slug=SLUG,
        author=author,
        excerpt=EXCERPT,
        body=BODY,
        body_html=rendered.html,
        toc_html=rendered.toc_html,
        word_count=rendered.word_count,
        meta_description=META_DESCRIPTION,
        seo_keywords=SEO_KEYWORDS,
        status="published",
        published_at=PUBLISHED_AT,
        allow_comments=True,
    )
    article.tags.set(
        [Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0] for name, slug in TAGS]
    )
    # auto_now would date the article to the day the migration ran, and the page
    # would call it "Updated" on that day; it was written when it was published.
    Article.objects.filter(pk=article.pk).update(created_at=PUBLISHED_AT, updated_at=PUBLISHED_AT)


def remove_article(apps, schema_editor):
    apps.get_model("articles", "Article").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_article, remove_article)]
