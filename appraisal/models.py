"""PAR appraisal (Chỉ số CCHC): criteria sets, campaigns, self-assessment, appraisal and results.

Vietnamese terms kept where English would blur them: a criteria set is a *Bộ tiêu chí*; its tree is
area (*lĩnh vực*) → criterion (*tiêu chí*) → sub-criterion (*tiêu chí thành phần*); a campaign
(*đợt đánh giá*) runs one set over a year's bodies; evidence is *tài liệu kiểm chứng*; a return asks
the body for an explanation (*giải trình*); survey points come from the *điều tra xã hội học*.
Assessed bodies are administrative units, including the agency levels (ministry, department).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Indicator
from provinces.models import AdministrativeUnit, Level


class BodyGroup(models.TextChoices):
    MINISTRIES = "ministries", _("ministries and ministry-level agencies")
    PROVINCES = "provinces", _("provinces")
    DEPARTMENTS = "departments", _("departments")
    DISTRICTS = "districts", _("districts")
    COMMUNES = "communes", _("communes")


#: The unit level of each body group: a campaign assesses only units of its set's level.
GROUP_LEVEL = {
    BodyGroup.MINISTRIES: Level.MINISTRY,
    BodyGroup.PROVINCES: Level.PROVINCE,
    BodyGroup.DEPARTMENTS: Level.DEPARTMENT,
    BodyGroup.DISTRICTS: Level.DISTRICT,
    BodyGroup.COMMUNES: Level.COMMUNE,
}


class CriteriaSet(models.Model):
    """A Bộ tiêu chí: who assesses, which year, which bodies, and the scale (100 unless stated)."""

    name = models.CharField(_("name"), max_length=250)
    assessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The province or district that assesses; empty: the Ministry of Home Affairs."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    body_group = models.CharField(_("body group"), max_length=12, choices=BodyGroup.choices)
    total_max = models.DecimalField(_("total maximum"), max_digits=7, decimal_places=2, default=Decimal(100))
    partial = models.BooleanField(
        _("partial"), default=False, help_text=_("Only part of the tree is known (reference data); not usable.")
    )
    bands = models.TextField(
        _("classification bands"),
        blank=True,
        help_text=_("One per line, best first: label = lowest percentage, e.g. “Tốt = 90”."),
    )
    source_title = models.CharField(_("source"), max_length=400, blank=True)
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-year", "body_group", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "year", "body_group"], name="criteria_set_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def band_list(self) -> list[tuple[str, Decimal]]:
        """Return the bands as (label, lowest percentage), best first."""
        bands = []
        for line in self.bands.splitlines():
            label, sep, threshold = line.rpartition("=")
            if sep and label.strip():
                bands.append((label.strip(), Decimal(threshold.strip().replace(",", "."))))
        return sorted(bands, key=lambda b: b[1], reverse=True)


class NodeLevel(models.TextChoices):
    AREA = "area", _("area")
    CRITERION = "criterion", _("criterion")
    SUBCRITERION = "subcriterion", _("sub-criterion")


class Kind(models.TextChoices):
    SELF = "self_assessed", _("self-assessed")
    SURVEY = "survey", _("survey")


class Criterion(models.Model):
    """One node of a set's tree; leaves are scored, inner nodes sum their children."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    level = models.CharField(_("level"), max_length=12, choices=NodeLevel.choices)
    code = models.CharField(_("code"), max_length=20)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    max_score = models.DecimalField(_("maximum points"), max_digits=7, decimal_places=2)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, blank=True)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    deductions = models.TextField(_("deductions"), blank=True)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("PAR component indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_leaf = models.BooleanField(default=True, editable=False)
    position = models.PositiveIntegerField(default=0)
    source_url = models.URLField(max_length=1000, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "position"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") and self.name_en else self.name_vi

    @property
    def area_code(self) -> str:
        """Return the code of the area this node belongs to (the first part of a dotted code)."""
        return self.code.split(".")[0]


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("open")
    FINALISED = "finalised", _("finalised")
    PUBLISHED = "published", _("published")


class Campaign(models.Model):
    """An đợt đánh giá: one set over its year's bodies, with deadlines, council and decision."""

    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=250)
    year = models.PositiveSmallIntegerField(_("year assessed"))
    self_assessment_closes = models.DateTimeField(_("self-assessment closes"))
    appraisal_closes = models.DateTimeField(_("appraisal closes"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("council chair"), on_delete=models.PROTECT, related_name="+"
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_issuer = models.CharField(_("decision issuer"), max_length=200, blank=True)
    decision_url = models.URLField(_("decision URL"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal campaign")
        verbose_name_plural = _("appraisal campaigns")
        ordering = ["-year", "name"]
        permissions = [
            ("administer_campaign", _("Can run appraisal campaigns (administrator)")),
            ("appraise_campaign", _("Can appraise assigned bodies (council member)")),
            ("chair_campaign", _("Can finalise and publish a campaign (council chair)")),
            ("report_assessment", _("Can self-assess for one body (reporter)")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.criteria_set_id and self.criteria_set.partial:
            raise ValidationError(
                {"criteria_set": _("A partial set (reference data) cannot be used: import the full set first.")}
            )
        if (
            self.self_assessment_closes
            and self.appraisal_closes
            and self.appraisal_closes < self.self_assessment_closes
        ):
            raise ValidationError({"appraisal_closes": _("The appraisal closes after the self-assessment.")})

    @property
    def decision_label(self) -> str:
        date = self.decision_date.strftime("%d/%m/%Y") if self.decision_date else ""
        return " ".join(p for p in [self.decision_number, date, self.decision_issuer] if p)


class Appraiser(models.Model):
    """A council member with the areas and/or bodies assigned; none of either means all of them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="appraisers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("appraiser"), on_delete=models.CASCADE)
    areas = models.ManyToManyField(
        Criterion, verbose_name=_("assigned areas"), blank=True, limit_choices_to={"level": NodeLevel.AREA}
    )
    bodies = models.ManyToManyField(AdministrativeUnit, verbose_name=_("assigned bodies"), blank=True)

    class Meta:
        verbose_name = _("appraiser")
        verbose_name_plural = _("appraisers")
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="appraiser_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.campaign}"


class BodyAccount(models.Model):
    """A reporter's account, scoped to the one body it reports for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="appraisal_body"
    )
    body = models.ForeignKey(AdministrativeUnit, verbose_name=_("assessed body"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("reporter account")
        verbose_name_plural = _("reporter accounts")

    def __str__(self) -> str:
        return f"{self.user} · {self.body}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for explanation")
    FINALISED = "finalised", _("finalised")


class Assessment(models.Model):
    """One body's assessment in one campaign; ``version`` refuses concurrent saves."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assessments")
    body = models.ForeignKey(AdministrativeUnit, verbose_name=_("assessed body"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["campaign", "body__sort_key"]
        constraints = [models.UniqueConstraint(fields=["campaign", "body"], name="assessment_once_per_body")]

    def __str__(self) -> str:
        return f"{self.body} · {self.campaign}"

    def clean(self) -> None:
        if not (self.campaign_id and self.body_id):
            return
        wanted = GROUP_LEVEL[BodyGroup(self.campaign.criteria_set.body_group)]
        if self.body.level != wanted:
            raise ValidationError(
                {"body": _("This campaign's set assesses %(group)s; %(body)s is not one.")
                 % {"group": self.campaign.criteria_set.get_body_group_display(), "body": self.body}}
            )  # fmt: skip
        if not self.body.in_force_in_year(self.campaign.year):
            raise ValidationError(
                {"body": _("%(body)s was not in force in %(year)s.") % {"body": self.body, "year": self.campaign.year}}
            )


class Score(models.Model):
    """The scores of one leaf for one body: self, appraised (with reason) and survey points."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(_("self-score"), max_digits=7, decimal_places=2, null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    appraised_score = models.DecimalField(_("appraised score"), max_digits=7, decimal_places=2, null=True, blank=True)
    appraisal_reason = models.TextField(_("reason for the appraised score"), blank=True)
    survey_score = models.DecimalField(_("survey points"), max_digits=7, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_once_per_leaf"),
            models.CheckConstraint(condition=Q(self_score__isnull=True) | Q(self_score__gte=0), name="score_self_ge0"),
            models.CheckConstraint(
                condition=Q(appraised_score__isnull=True) | Q(appraised_score__gte=0), name="score_appraised_ge0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.criterion.code}"

    @property
    def final_score(self) -> Decimal | None:
        """Return the points that count: survey points for survey leaves, else appraised (or the accepted self-score)."""
        if self.criterion.kind == Kind.SURVEY:
            return self.survey_score
        return self.appraised_score if self.appraised_score is not None else self.self_score


def evidence_path(instance: "Evidence", filename: str) -> str:
    """Store evidence under the campaign and body, never under a public URL."""
    assessment = instance.score.assessment
    return f"appraisal/{assessment.campaign_id}/{assessment.body_id}/{filename}"


class Evidence(models.Model):
    """A tài liệu kiểm chứng attached to one leaf; downloaded only through a permission-checked view."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=400)
    original_name = models.CharField(_("file name"), max_length=255)
    file_type = models.CharField(_("type"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReturnRequest(models.Model):
    """A criterion returned to the body for explanation (giải trình), and its answer."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="returns")
    comment = models.TextField(_("comment"))
    deadline = models.DateField(_("answer by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("returned criterion")
        verbose_name_plural = _("returned criteria")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.score} · {self.deadline}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
