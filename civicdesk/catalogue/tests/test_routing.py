"""The bulk router gives the same answer as DispatchRule.resolve, case by case."""

from civicdesk.catalogue.models import Category, DispatchRule
from civicdesk.catalogue.routing import Router


def test_router_agrees_with_the_single_case_resolver(city, django_assert_max_num_queries):
    lamp = city.cat_building
    categories = [lamp, city.cat_water, city.cat_traffic, Category.objects.get(full_name="教育文体"), None]
    areas = [None, city.community, city.street, city.district, city.other_district]
    with django_assert_max_num_queries(3):
        router = Router()
    for category in categories:
        for area in areas:
            expected = DispatchRule.resolve(category, area)
            got = router.suggest(category.pk if category else None, area.pk if area else None)
            assert got == expected, (category, area)
    assert router.suggest(lamp.pk, city.community.pk) == city.district  # 属地 rule beats the department
    assert router.suggest(lamp.pk, city.other_district.pk) == city.dept
    assert router.suggest(city.cat_water.pk, city.community.pk) == city.water
