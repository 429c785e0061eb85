"""Who may do what in the appraisal module: one place for every role's scope.

Roles are groups with the Campaign permissions (appraisal/roles.py); the scope comes from the
rows: a reporter's BodyAccount, an appraiser's assignment, the campaign's chair, and for
administrators the staff province scope (accounts.scope) over the assessed body or the assessor.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from accounts.scope import scope_provinces
from appraisal.models import Appraiser, Assessment, Campaign, CriteriaSet, Criterion

User = AbstractBaseUser | AnonymousUser


def is_administrator(user: User, campaign: Campaign) -> bool:
    """Return whether the user administers this campaign (its assessor within the user's province scope)."""
    return administers_set(user, campaign.criteria_set)


def administers_set(user: User, criteria_set: CriteriaSet) -> bool:
    """Return whether the user administers this set: national administrators all, others their province's."""
    if not (user.is_active and user.has_perm("appraisal.administer_campaign")):
        return False
    provinces = scope_provinces(user)
    if provinces is None:
        return True
    assessor = criteria_set.assessor
    return assessor is not None and (assessor.pk in provinces or assessor.parent_id in provinces)


def sets_administered_by(user: User) -> QuerySet[CriteriaSet]:
    """Return the criteria sets the user administers (the same rule as administers_set, as a filter)."""
    if not (user.is_active and user.has_perm("appraisal.administer_campaign")):
        return CriteriaSet.objects.none()
    provinces = scope_provinces(user)
    if provinces is None:
        return CriteriaSet.objects.all()
    return CriteriaSet.objects.filter(Q(assessor_id__in=provinces) | Q(assessor__parent_id__in=provinces))


def is_chair(user: User, campaign: Campaign) -> bool:
    return bool(user.is_active and user.has_perm("appraisal.chair_campaign") and campaign.chair_id == user.pk)


def is_reporter_of(user: User, assessment: Assessment) -> bool:
    account = getattr(user, "appraisal_body", None) if user.is_authenticated else None
    return bool(
        user.is_active
        and user.has_perm("appraisal.report_assessment")
        and account is not None
        and account.body_id == assessment.body_id
    )


def appraiser_of(user: User, assessment: Assessment) -> Appraiser | None:
    """Return the user's assignment covering this body, or None."""
    if not (user.is_authenticated and user.is_active and user.has_perm("appraisal.appraise_campaign")):
        return None
    assignment = (
        Appraiser.objects.filter(campaign_id=assessment.campaign_id, user=user).prefetch_related("bodies").first()
    )
    if assignment is None:
        return None
    bodies = {b.pk for b in assignment.bodies.all()}
    return assignment if not bodies or assessment.body_id in bodies else None


def assigned_areas(assignment: Appraiser) -> set[int] | None:
    """Return the ids of the areas assigned, or None for every area."""
    areas = {a.pk for a in assignment.areas.all()}
    return areas or None


def may_appraise(
    assignment: Appraiser | None,
    criterion: Criterion,
    area_ids: set[int] | None,
    by_id: dict[int, Criterion] | None = None,
) -> bool:
    """Return whether the assignment covers the criterion's area (``by_id``: the set's nodes, to climb without queries)."""
    if assignment is None:
        return False
    if area_ids is None:
        return True
    node = criterion
    while node.parent_id is not None:
        node = by_id[node.parent_id] if by_id is not None else node.parent
    return node.pk in area_ids


def may_view(user: User, assessment: Assessment) -> bool:
    """Return whether the user may see this assessment and download its evidence."""
    campaign = assessment.campaign
    return (
        is_reporter_of(user, assessment)
        or appraiser_of(user, assessment) is not None
        or is_chair(user, campaign)
        or is_administrator(user, campaign)
    )


def campaigns_for(user: User) -> QuerySet[Campaign]:
    """Return the campaigns the user takes part in (as chair, appraiser, administrator or body)."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    condition = Q(chair=user) | Q(appraisers__user=user)
    account = getattr(user, "appraisal_body", None)
    if account is not None:
        condition |= Q(assessments__body_id=account.body_id)
    if user.has_perm("appraisal.administer_campaign"):
        provinces = scope_provinces(user)
        if provinces is None:
            condition = Q()
        else:
            condition |= Q(criteria_set__assessor_id__in=provinces) | Q(criteria_set__assessor__parent_id__in=provinces)
    return Campaign.objects.filter(condition).select_related("criteria_set").distinct()
