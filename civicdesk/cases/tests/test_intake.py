"""Bad input at intake gets a clear message per field and writes nothing."""

import io

import pytest

from civicdesk.cases import intake
from civicdesk.cases.errors import ValidationFailed
from civicdesk.cases.models import Attachment, Case, CaseEvent, Citizen

from .images import jpeg_with_gps, png, png_claiming

PNG = png()


def refused(submit, files=(), **fields):
    before = (Case.objects.count(), CaseEvent.objects.count(), Citizen.objects.count())
    with pytest.raises(ValidationFailed) as info:
        if files:
            data = {
                "description": "路灯坏了",
                "phone": "13800138000",
                "category": "城乡建设/城市建设和市政管理/城市公共设施",
            }
            data.update(fields)
            intake.submit(data, files=files)
        else:
            submit(**fields)
    assert (Case.objects.count(), CaseEvent.objects.count(), Citizen.objects.count()) == before
    return info.value.errors


def test_unknown_category(city, submit):
    errors = refused(submit, category="不存在的分类/某某")
    assert errors == {"category": ["分类不存在：不存在的分类/某某"]}


def test_inactive_category_is_unknown(city, submit):
    city.cat_traffic.is_active = False
    city.cat_traffic.save()
    assert "category" in refused(submit, category="交通运输")


@pytest.mark.parametrize("text", ["", "   \n\t ", None])
def test_empty_description(city, submit, text):
    assert refused(submit, description=text) == {"description": ["诉求内容不能为空"]}


def test_one_megabyte_description_is_refused_with_its_length(city, submit):
    errors = refused(submit, description="很" * (1024 * 1024))
    assert errors == {"description": ["诉求内容不能超过5000字（现为1048576字）"]}


def test_description_that_is_not_text(city, submit):
    assert refused(submit, description=["列表"]) == {"description": ["诉求内容必须是文字"]}


@pytest.mark.parametrize("phone", ["12345", "1380013800a", "23800138000", "138001380001", "+86 123"])
def test_malformed_phone(city, submit, phone):
    errors = refused(submit, phone=phone)
    assert list(errors) == ["phone"]
    assert "电话号码格式不正确" in errors["phone"][0]


def test_missing_phone(city, submit):
    assert refused(submit, phone="") == {"phone": ["请留下联系电话，以便承办单位联系和回访"]}


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("010-1234 5678", "01012345678"),
        ("+1 212 555 0100", "+12125550100"),
    ],
)
def test_phone_forms_are_normalized(city, submit, raw, stored):
    assert submit(phone=raw).citizen.phone == stored


def test_unknown_area_unit(city, submit):
    assert refused(submit, area="no-such-unit") == {"area": ["区域不存在：no-such-unit"]}


def test_department_is_not_an_area(city, submit):
    assert refused(submit, area="zjj") == {"area": ["市住房和城乡建设局 不是区域（市、区、街乡镇或社区村）"]}


@pytest.mark.parametrize("field, value", [("latitude", "91"), ("longitude", "abc"), ("latitude", "nan")])
def test_bad_coordinates(city, submit, field, value):
    errors = refused(submit, **{field: value})
    assert list(errors) == [field]


def test_unknown_kind_channel_priority(city, submit):
    errors = refused(submit, kind="rant", channel="pigeon", priority="asap")
    assert set(errors) == {"kind", "channel", "priority"}


def test_every_problem_reported_at_once(city, submit):
    errors = refused(submit, category="无此分类", description="", phone="1", area="nowhere")
    assert set(errors) == {"category", "description", "phone", "area"}


def test_attachment_type_read_from_content_not_name(city, submit):
    errors = refused(submit, files=[("photo.jpg", b"MZ\x90\x00 this is an exe")])
    assert "类型不支持" in errors["attachments"][0]


def test_attachment_too_large(city, submit, settings):
    settings.CIVICDESK_MAX_ATTACHMENT_BYTES = 1000
    errors = refused(submit, files=[("big.png", PNG + b"\x00" * 2000)])
    assert "超过" in errors["attachments"][0]


def test_empty_attachment(city, submit):
    assert "是空的" in refused(submit, files=[("a.png", b"")])["attachments"][0]


def test_good_attachment_is_stored_with_the_case(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = intake.submit(
        {
            "description": "路灯坏了",
            "phone": "13800138000",
            "area": "a2-s1",
            "latitude": "28.1",
            "longitude": "112.9",
        },
        files=[("现场.png", PNG)],
    )
    attachment = Attachment.objects.get(case=case)
    assert attachment.content_type == "image/png" and attachment.size == attachment.file.size > 0
    assert attachment.event.action == "receive"
    assert case.area == city.street and str(case.latitude) == "28.100000"
    assert case.title == "路灯坏了"  # a title is made from the description when none is given


def test_title_too_long(city, submit):
    errors = refused(submit, title="长" * 201)
    assert errors == {"title": ["标题不能超过200字（现为201字）"]}


def test_a_photo_loses_its_gps_position_and_camera_but_keeps_its_orientation(city, settings, tmp_path):
    from PIL import Image

    from .images import GPS_IFD

    settings.MEDIA_ROOT = tmp_path
    original = jpeg_with_gps(size=(60, 40), orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the camera wrote where it was
    case = intake.submit(
        {"description": "路灯坏了", "phone": "13800138000"}, files=[("IMG_0001.jpg", original)]
    )
    stored = Attachment.objects.get(case=case).file.read()
    picture = Image.open(io.BytesIO(stored))
    assert picture.format == "JPEG" and dict(picture.getexif()) == {}
    assert b"CameraMaker" not in stored
    assert picture.size == (40, 60)  # turned upright, as the orientation tag said


def test_a_file_that_only_pretends_to_be_an_image_is_refused(city, submit):
    errors = refused(submit, files=[("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)])
    assert "已损坏" in errors["attachments"][0]


def test_a_decompression_bomb_is_refused_without_decoding_it(city, submit):
    errors = refused(submit, files=[("bomb.png", png_claiming(60000, 60000))])
    assert "已损坏或过大" in errors["attachments"][0]
