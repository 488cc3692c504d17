from django.urls import path

from kotacerdas.jimpitan import views

app_name = "jimpitan"

urlpatterns = [
    # First: a phone posts here once per house (no other pattern matches its path; Django tries them in order).
    path("shifts/<pk:shift_id>/collect/", views.collection_create, name="collect"),
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("funds/new/", views.fund_create, name="fund_create"),
    path("funds/<pk:fund_id>/", views.fund_detail, name="fund"),
    path("funds/<pk:fund_id>/edit/", views.fund_edit, name="fund_edit"),
    path("funds/<pk:fund_id>/share/", views.fund_share, name="fund_share"),
    path("funds/<pk:fund_id>/unshare/", views.fund_unshare, name="fund_unshare"),
    path("funds/<pk:fund_id>/households/", views.household_list, name="households"),
    path("funds/<pk:fund_id>/households/new/", views.household_create, name="household_create"),
    path("funds/<pk:fund_id>/tags/", views.tag_sheet, name="tag_sheet"),
    path("funds/<pk:fund_id>/roster/", views.roster, name="roster"),
    path("funds/<pk:fund_id>/roster/groups/", views.group_create, name="group_create"),
    path("funds/<pk:fund_id>/tonight/", views.tonight, name="tonight"),
    path("funds/<pk:fund_id>/tonight/open/", views.shift_open, name="shift_open"),
    path("funds/<pk:fund_id>/cash-book/", views.cash_book, name="cash_book"),
    path("funds/<pk:fund_id>/cash-book/income/", views.income_create, name="income_create"),
    path("funds/<pk:fund_id>/cash-book/expense/", views.expense_create, name="expense_create"),
    path("funds/<pk:fund_id>/arrears/", views.arrear_list, name="arrears"),
    path("funds/<pk:fund_id>/arrears/assess/", views.arrears_assess, name="arrears_assess"),
    path("funds/<pk:fund_id>/report/", views.report, name="report"),
    path("funds/<pk:fund_id>/report/pdf/", views.report_pdf_view, name="report_pdf"),
    path("households/<pk:household_id>/", views.household_detail, name="household"),
    path("households/<pk:household_id>/edit/", views.household_edit, name="household_edit"),
    path("households/<pk:household_id>/move-out/", views.household_move_out, name="household_move_out"),
    path("households/<pk:household_id>/top-up/", views.household_top_up, name="household_top_up"),
    path("groups/<pk:group_id>/members/", views.group_member_add, name="group_member_add"),
    path("group-members/<pk:member_id>/remove/", views.group_member_remove, name="group_member_remove"),
    path("shifts/<pk:shift_id>/", views.shift_detail, name="shift"),
    path("shifts/<pk:shift_id>/close/", views.shift_close, name="shift_close"),
    path("entries/<pk:entry_id>/correct/", views.entry_reverse, name="entry_reverse"),
    path("entries/<pk:entry_id>/receipt/", views.entry_receipt, name="entry_receipt"),
    path("arrears/<pk:arrear_id>/settle/", views.arrear_settle, name="arrear_settle"),
    path("city/", views.city, name="city"),
    path("households/<pk:household_id>/record/<slug:record_token>/", views.household_record, name="household_record"),
    path("tag/<slug:tag_token>/", views.tag_scan, name="tag"),
    path("report/<slug:share_token>/", views.public_report, name="public_report"),
    path("report/<slug:share_token>/pdf/", views.public_report_pdf, name="public_report_pdf"),
]
