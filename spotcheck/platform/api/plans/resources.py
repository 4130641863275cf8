"""Annual plans (年度检查计划).

A department drafts its plan (planner), a leader publishes it (公开) and then submits it for filing
(报备); each filing authority it needs — the justice bureau (supervisor), and the market-regulation
bureau (coordinator) for a plan with items of the market-regulation field — files it (备案) or
returns it with a comment. A field's lead department drafts the field's yearly joint plan the same way.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.plans.schemas import (
    PlanCreateSchema,
    PlanForReview,
    PlanForReviewSchema,
    PlanLineUpdateSchema,
    PlanReviewSchema,
    PlanSchema,
)
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.tenants.accounts import queries as tenants
from spotcheck.tenants.plans import commands, queries
from spotcheck.tenants.plans.queries import Plan

PREFIX = "/plans"
blp = Blueprint("Plans", __name__, description="Annual plans (年度检查计划).")


@blp.route("")
class Plans(MethodView):
    @requires(Permission.CAMPAIGNS_VIEW)
    @blp.response(200, PlanSchema(many=True))
    def get(self) -> list[Plan]:
        """My department's plans, newest year first"""
        return queries.list_plans()

    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(PlanCreateSchema)
    @blp.response(201, PlanSchema)
    def post(self, data: dict[str, Any]) -> Plan:
        """Start a plan for a year (or a half-year), or a field's yearly joint plan, as a draft"""
        return commands.create_plan(data, actor=_user())  # the fields inputs.PLAN_FIELDS declares


@blp.route("/review")
class PlansToReview(MethodView):
    @requires(Permission.PLANS_REVIEW)
    @blp.response(200, PlanForReviewSchema(many=True))
    def get(self) -> list[PlanForReview]:
        """The submitted plans waiting for my bureau's filing (justice bureau: every department's; market-regulation
        bureau: those with items of its field)"""
        plans = queries.plans_to_review(_user())
        names = {tenant.id: tenant.full_name for tenant in tenants.list_tenants()}
        return [PlanForReview(plan, names.get(plan.tenant_id, "")) for plan in plans]


@blp.route("/<int:plan_id>")
class PlanById(MethodView):
    @requires(Permission.CAMPAIGNS_VIEW)
    @blp.response(200, PlanSchema)
    def get(self, plan_id: int) -> Plan:
        """One plan of my department with its items"""
        return queries.get_plan(plan_id)


@blp.route("/<int:plan_id>/items/<int:item_id>")
class PlanLine(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(PlanLineUpdateSchema)
    @blp.response(200, PlanSchema)
    def put(self, data: dict[str, Any], plan_id: int, item_id: int) -> Plan:
        """Add a published item to the plan, or change its ratio, frequency, months and methods
        (while the plan is a draft or returned)"""
        plan = queries.get_plan(plan_id)
        commands.set_line(plan.id, {**data, "item_id": item_id}, actor=_user())
        return plan

    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.response(200, PlanSchema)
    def delete(self, plan_id: int, item_id: int) -> Plan:
        """Take an item out of the plan (while the plan is a draft or returned)"""
        plan = queries.get_plan(plan_id)
        commands.remove_line(plan.id, {"item_id": item_id}, actor=_user())
        return plan


@blp.route("/<int:plan_id>/submit")
class PlanSubmit(MethodView):
    @requires(Permission.CAMPAIGNS_APPROVE)
    @blp.response(200, PlanSchema)
    def post(self, plan_id: int) -> Plan:
        """Submit the published plan for filing (报备); a plan not published, or changed since, is refused"""
        plan = commands.submit(queries.get_plan(plan_id).id, actor=_user())
        return plan


@blp.route("/<int:plan_id>/publish")
class PlanPublish(MethodView):
    @requires(Permission.CAMPAIGNS_APPROVE)
    @blp.response(200, PlanSchema)
    def post(self, plan_id: int) -> Plan:
        """Publish the plan on the public portal (公开), before it is submitted for filing"""
        plan = commands.publish(queries.get_plan(plan_id).id, actor=_user())
        return plan


@blp.route("/<int:plan_id>/review")
class PlanReview(MethodView):
    @requires(Permission.PLANS_REVIEW)
    @blp.arguments(PlanReviewSchema)
    @blp.response(200, PlanSchema)
    def post(self, data: dict[str, Any], plan_id: int) -> Plan:
        """File (备案, accept true) or return a submitted plan with a comment, for my bureau's authority"""
        return commands.review(plan_id, data, actor=_user())  # the fields inputs.REVIEW_FIELDS declares
