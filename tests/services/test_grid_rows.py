"""The grid's rows: read by id on a plain driver connection, in the order asked."""

from __future__ import annotations

from photoarchive.catalog.models import Photo
from photoarchive.services.browse import grid_rows


def test_grid_rows_come_in_the_order_asked_and_leave_no_transaction_open(
        archive, three_photos, tmp_path) -> None:
    first, second, third = three_photos
    with archive.session() as session:
        inside = Photo(path=str(tmp_path / "photos" / "inside.jpg"), content_hash="ab" * 32,
                       file_size=1, file_mtime=1.0, format="JPEG", width=6, height=4,
                       orientation=1, rotation=90, missing=True, rating=0, caption="")
        session.add(inside)
        session.flush()
        inside_id = inside.id
    rows = grid_rows(archive, [third, 10**9, first, inside_id])
    assert [r.id for r in rows] == [third, first, inside_id]  # an unknown id is left out
    assert rows[0].name == "Street 3" and rows[0].caption == "Caption 3"
    assert rows[0].path == "/archive/roll1/3.jpg" and not rows[0].missing
    # A path inside the catalog's folder is stored relative to it and read back whole.
    assert rows[2].path == str(tmp_path / "photos" / "inside.jpg")
    assert rows[2].name == "inside.jpg" and rows[2].rotation == 90 and rows[2].missing
    assert grid_rows(archive, []) == []
    assert [r.id for r in grid_rows(archive, [second] * 600)] == [second] * 600  # chunks
    # No transaction is left open on the connection it gave back to the pool.
    connection = archive.catalog.engine.raw_connection()
    try:
        assert not connection.driver_connection.in_transaction
    finally:
        connection.close()
