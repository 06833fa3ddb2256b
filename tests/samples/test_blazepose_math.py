"""BlazePose's pre/post-processing (``samples/smart_body_crop/pose_model.py``) on small, known inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pose_model import (
    Detection,
    Roi,
    decode_detections,
    decode_landmarks,
    detection_to_roi,
    sample_square,
    ssd_anchors,
    weighted_nms,
)


def test_anchors_match_the_detector_output_rows() -> None:
    anchors = ssd_anchors()
    assert anchors.shape == (2254, 2)
    # First feature map: 28 x 28 cells, 2 anchors each, row by row.
    assert anchors[0] == pytest.approx([0.5 / 28, 0.5 / 28])
    assert anchors[1] == pytest.approx(anchors[0])
    assert anchors[2] == pytest.approx([1.5 / 28, 0.5 / 28])
    assert anchors[2 * 28] == pytest.approx([0.5 / 28, 1.5 / 28])
    # The three stride-32 layers share one 7 x 7 map with 6 anchors per cell.
    assert anchors[-1] == pytest.approx([6.5 / 7, 6.5 / 7])
    assert len({tuple(a) for a in anchors[-294:].round(6)}) == 49


def test_decode_detections_applies_anchor_offsets_and_sigmoid() -> None:
    anchors = np.array([[0.25, 0.5], [0.75, 0.5]], dtype=np.float32)
    boxes = np.zeros((2, 12), dtype=np.float32)
    boxes[1, :4] = [22.4, 0.0, 44.8, 22.4]  # +0.1 in x, w 0.2, h 0.1 (in 224-pixel units)
    boxes[1, 4:6] = [-22.4, 11.2]  # hip centre: -0.1, +0.05 from the anchor
    scores = np.array([[-5.0], [2.0]], dtype=np.float32)
    found = decode_detections(boxes, scores, anchors, min_score=0.5)
    assert len(found) == 1
    assert found[0].score == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert found[0].box == pytest.approx([0.75, 0.45, 0.95, 0.55])
    assert found[0].keypoints[0] == pytest.approx([0.65, 0.55])


def _det(score: float, box: list[float], kp: float) -> Detection:
    return Detection(score, np.array(box, dtype=np.float32), np.full((4, 2), kp, dtype=np.float32))


def test_weighted_nms_merges_overlaps_and_keeps_the_rest() -> None:
    dets = [
        _det(0.9, [0.0, 0.0, 0.4, 0.4], 0.2),
        _det(0.6, [0.02, 0.0, 0.42, 0.4], 0.5),  # overlaps the first
        _det(0.5, [0.6, 0.6, 0.9, 0.9], 0.8),  # apart
    ]
    merged = weighted_nms(dets)
    assert len(merged) == 2
    assert merged[0].score == pytest.approx(0.9)
    assert merged[0].keypoints[0, 0] == pytest.approx((0.9 * 0.2 + 0.6 * 0.5) / 1.5)
    assert merged[0].box[0] == pytest.approx(0.6 * 0.02 / 1.5)
    assert merged[1].score == pytest.approx(0.5) and merged[1].keypoints[0, 0] == pytest.approx(0.8)


def test_roi_is_upright_for_a_standing_person_and_turns_with_the_body() -> None:
    kp = np.array([[0.5, 0.6], [0.5, 0.4], [0, 0], [0, 0]], dtype=np.float32)  # scale point above the hips
    roi = detection_to_roi(Detection(1.0, np.zeros(4, np.float32), kp), letterbox_side=100, pad_x=0, pad_y=0)
    assert (roi.x_center, roi.y_center) == pytest.approx((50, 60))
    assert roi.rotation == pytest.approx(0.0)
    assert roi.size == pytest.approx(2 * 20 * 1.25)
    lying = np.array([[0.5, 0.5], [0.7, 0.5], [0, 0], [0, 0]], dtype=np.float32)  # head to the right
    roi = detection_to_roi(
        Detection(1.0, np.zeros(4, np.float32), lying), letterbox_side=200, pad_x=50, pad_y=0
    )
    assert roi.rotation == pytest.approx(math.pi / 2)
    assert roi.x_center == pytest.approx(50)  # 0.5 * 200 - the 50 pixels of padding


def test_sample_square_of_the_whole_image_is_the_image() -> None:
    image = np.random.default_rng(0).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    same = sample_square(image, Roi(4.0, 4.0, 8.0, 0.0), 8, replicate_border=True)
    assert same == pytest.approx(image.astype(np.float32))
    # Letterboxing a wide image: the padding rows are black without replicate_border.
    wide = np.full((4, 8, 3), 200, dtype=np.uint8)
    boxed = sample_square(wide, Roi(4.0, 2.0, 8.0, 0.0), 8, replicate_border=False)
    assert boxed[0].max() == 0 and boxed[-1].max() == 0 and boxed[4].min() == 200


def test_sample_square_rotates_clockwise_on_screen() -> None:
    image = np.zeros((9, 9, 3), dtype=np.uint8)
    image[4, 8] = 255  # a dot right of the centre
    turned = sample_square(image, Roi(4.0, 4.0, 9.0, math.pi / 2), 9, replicate_border=False)
    # With the ROI turned by 90 degrees, what is right in the image is at the top of the sample.
    row, col = np.unravel_index(turned[..., 0].argmax(), turned.shape[:2])
    assert (row, col) == (0, 4)


def test_decode_landmarks_maps_roi_coordinates_back_to_the_image() -> None:
    raw = np.zeros((39, 5), dtype=np.float32)
    raw[0, :2] = [128, 128]  # the ROI's centre
    raw[1, :2] = [128, 0]  # the ROI's top edge
    raw[0, 3] = 10.0  # visibility logit
    heatmap = np.full((1, 64, 64, 39), -10.0, dtype=np.float32)  # no confident heatmap: no refinement
    points = decode_landmarks(raw.reshape(1, -1), heatmap, Roi(100.0, 50.0, 40.0, math.pi / 2))
    assert points.shape == (33, 3)
    assert points[0] == pytest.approx([100, 50, 1 / (1 + math.exp(-10))], abs=1e-4)
    assert points[1, :2] == pytest.approx([120, 50], abs=1e-4)  # top of the turned ROI is the image's right
