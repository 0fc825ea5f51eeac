"""An upload over the limit is refused from its declared length, before anything reads or stores its body."""

from __future__ import annotations

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from onward.core.middleware import UploadSizeMiddleware
from onward.returns.models import ImportRun

MB = 1024 * 1024


def test_a_declared_length_over_the_limit_is_refused_unread(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world["A"].users["performance_officer"])
    runs = ImportRun.objects.count()
    with (
        override_settings(ONWARD_UPLOAD_MAX_MB=1),
        mock.patch("django.http.multipartparser.MultiPartParser.parse") as parse,
        mock.patch("django.core.files.uploadhandler.TemporaryFileUploadHandler.new_file") as temporary,
    ):
        response = client.generic(
            "POST",
            reverse("returns:import-upload"),
            b"--x\r\n",
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(1 * MB + UploadSizeMiddleware.FORM_SLACK + 1),
        )
    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert "Nothing has been saved" in response.content.decode()
    parse.assert_not_called()
    temporary.assert_not_called()
    assert ImportRun.objects.count() == runs


def test_a_request_within_the_limit_reaches_the_form_which_checks_the_files(world, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world["A"].users["performance_officer"])
    big = SimpleUploadedFile("header.csv", b"x" * (MB + 10), content_type="text/csv")
    with override_settings(ONWARD_UPLOAD_MAX_MB=1):
        response = client.post(reverse("returns:import-upload"), {"year": 2025, "uploads": [big]})
    assert response.status_code == 200
    assert "The files together must be smaller than 1 MB" in response.content.decode()


def test_a_length_that_is_not_a_number_is_left_to_django(client) -> None:  # type: ignore[no-untyped-def]
    response = client.generic("POST", "/accounts/sign-in/", b"", CONTENT_LENGTH="lots")
    assert response.status_code != 413
