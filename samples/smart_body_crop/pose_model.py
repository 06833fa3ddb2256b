"""BlazePose's pre- and post-processing in numpy: what MediaPipe's pose graph does around its two models.

Owns: the SSD anchors of the pose detector, decoding its output into scored detections, weighted
non-maximum suppression, the rotated region of interest (ROI) a detection gives, sampling a rotated square
of the image into a model input, and decoding the landmark model's output back into image pixels.
Does not own: loading or running the models (``body_crop.py``) or reading images (``image_input.py``).

Every number here comes from MediaPipe's graphs of the pose solution (mediapipe 0.10.x):
``pose_detection_cpu.pbtxt`` (anchors, decoding, NMS), ``pose_detection_to_roi.pbtxt`` (ROI: keypoint 0 is
the hip centre, keypoint 1 sets size and rotation, box = 2 x their distance, scaled by 1.25, rotated so the
body is upright), ``pose_landmark_by_roi_cpu.pbtxt`` and ``tensors_to_pose_landmarks_and_segmentation.pbtxt``
(39 landmarks x (x, y, z, visibility, presence) on a 256 x 256 input, refined with a 64 x 64 heatmap).
Coordinates are image pixels unless a name says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DETECTOR_SIZE",
    "LANDMARK_SIZE",
    "NUM_LANDMARKS",
    "Detection",
    "Roi",
    "decode_detections",
    "decode_landmarks",
    "detection_to_roi",
    "sample_square",
    "ssd_anchors",
    "weighted_nms",
]

DETECTOR_SIZE = 224  # the detector's input is 224 x 224 RGB in [-1, 1]
LANDMARK_SIZE = 256  # the landmark model's input is 256 x 256 RGB in [0, 1]
NUM_LANDMARKS = 33  # the model predicts 39; the last 6 are auxiliary points for tracking
MIN_SUPPRESSION_IOU = 0.3
ROI_SCALE = 1.25
HEATMAP_KERNEL = 7
HEATMAP_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Detection:
    """One person found by the detector, in letterboxed-input coordinates normalised to [0, 1]."""

    score: float
    box: np.ndarray  # (4,) xmin, ymin, xmax, ymax of the face box
    keypoints: (
        np.ndarray
    )  # (4, 2): hip centre, full-body scale point, shoulder centre, upper-body scale point


@dataclass(frozen=True)
class Roi:
    """A rotated square of the image: centre, side and rotation (radians, clockwise on screen)."""

    x_center: float
    y_center: float
    size: float
    rotation: float


def ssd_anchors(
    input_size: int = DETECTOR_SIZE, strides: tuple[int, ...] = (8, 16, 32, 32, 32), offset: float = 0.5
) -> np.ndarray:
    """Anchor centres (N, 2) as MediaPipe's SsdAnchorsCalculator makes them for the pose detector.

    Layers that share a stride are one feature map; each layer puts two anchors per cell (aspect ratio
    1.0 and the interpolated scale, also 1.0). With a fixed anchor size every anchor is 1 x 1, so only
    the centres matter: 28*28*2 + 14*14*2 + 7*7*6 = 2254 anchors.
    """
    centres: list[np.ndarray] = []
    layer = 0
    while layer < len(strides):
        stride = strides[layer]
        same = 0
        while layer < len(strides) and strides[layer] == stride:
            same += 1
            layer += 1
        cells = math.ceil(input_size / stride)
        grid = (np.arange(cells, dtype=np.float32) + offset) / cells
        ys, xs = np.meshgrid(grid, grid, indexing="ij")
        cell_centres = np.stack([xs.ravel(), ys.ravel()], axis=1)
        centres.append(np.repeat(cell_centres, 2 * same, axis=0))
    return np.concatenate(centres).astype(np.float32)


def decode_detections(
    raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, min_score: float
) -> list[Detection]:
    """The detector's outputs (N, 12) and (N, 1) as detections scoring at least ``min_score``.

    Each row is x, y, w, h of the box then four (x, y) keypoints, in input pixels relative to the anchor
    (MediaPipe: reverse_output_order, scale 224, sigmoid scores clipped at +-100).
    """
    scores = 1.0 / (1.0 + np.exp(-np.clip(raw_scores.reshape(-1).astype(np.float64), -100.0, 100.0)))
    keep = np.flatnonzero(scores >= min_score)
    detections = []
    for i in keep[np.argsort(-scores[keep])]:
        row = raw_boxes[i] / DETECTOR_SIZE
        cx, cy = row[0] + anchors[i, 0], row[1] + anchors[i, 1]
        w, h = row[2], row[3]
        box = np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dtype=np.float32)
        keypoints = row[4:12].reshape(4, 2) + anchors[i]
        detections.append(Detection(float(scores[i]), box, keypoints.astype(np.float32)))
    return detections


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[2], boxes[:, 2])
    y1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def weighted_nms(detections: list[Detection], min_iou: float = MIN_SUPPRESSION_IOU) -> list[Detection]:
    """MediaPipe's weighted non-maximum suppression: each cluster of detections overlapping the best
    remaining one (IoU > ``min_iou``) becomes one detection, its box and keypoints the score-weighted
    mean of the cluster, its score the best one's. ``detections`` must be sorted by score, best first."""
    remaining = list(detections)
    merged = []
    while remaining:
        best = remaining[0]
        overlaps = _iou(best.box, np.stack([d.box for d in remaining])) > min_iou
        cluster = [d for d, o in zip(remaining, overlaps, strict=True) if o] or [best]
        weights = np.array([d.score for d in cluster], dtype=np.float32)
        weights /= weights.sum()
        box = np.tensordot(weights, np.stack([d.box for d in cluster]), axes=1)
        keypoints = np.tensordot(weights, np.stack([d.keypoints for d in cluster]), axes=1)
        merged.append(Detection(best.score, box, keypoints))
        remaining = [d for d, o in zip(remaining, overlaps, strict=True) if not o and d is not best]
    return merged


def detection_to_roi(detection: Detection, letterbox_side: float, pad_x: float, pad_y: float) -> Roi:
    """The rotated square around the body that the landmark model expects, in image pixels.

    ``letterbox_side`` is the side of the square the detector saw (the image's longer side) and
    ``pad_x``/``pad_y`` the padding added to make it square, all in image pixels.
    """
    points = detection.keypoints[:2] * letterbox_side - np.array([pad_x, pad_y], dtype=np.float32)
    (x0, y0), (x1, y1) = points.tolist()
    rotation = math.pi / 2 - math.atan2(-(y1 - y0), x1 - x0)
    rotation = rotation - 2 * math.pi * math.floor((rotation + math.pi) / (2 * math.pi))
    size = 2.0 * math.hypot(x1 - x0, y1 - y0) * ROI_SCALE
    return Roi(x0, y0, size, rotation)


def sample_square(image: np.ndarray, roi: Roi, out_size: int, replicate_border: bool) -> np.ndarray:
    """Bilinear samples of the rotated square ``roi`` of ``image`` (H, W, 3 uint8) as (out, out, 3) float32
    in [0, 255]. Outside the image: the nearest edge pixel if ``replicate_border``, else black."""
    height, width = image.shape[:2]
    # As MediaPipe's OpenCV converter does: the square's corners go to the output's corners (0 and
    # out_size), so output pixel u samples the square at u / out_size. The detector's scores are
    # sensitive to this (a half-pixel shift moves a score by 0.1 or more).
    steps = (np.arange(out_size, dtype=np.float32) / out_size - 0.5) * roi.size
    local_y, local_x = np.meshgrid(steps, steps, indexing="ij")
    cos, sin = math.cos(roi.rotation), math.sin(roi.rotation)
    src_x = roi.x_center + local_x * cos - local_y * sin
    src_y = roi.y_center + local_x * sin + local_y * cos
    x0 = np.floor(src_x).astype(np.int64)
    y0 = np.floor(src_y).astype(np.int64)
    fx = (src_x - x0)[..., None]
    fy = (src_y - y0)[..., None]

    def at(ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
        # Gather uint8 pixels first: converting the whole image to float would cost 12 bytes a pixel.
        values = image[np.clip(ys, 0, height - 1), np.clip(xs, 0, width - 1)].astype(np.float32)
        if not replicate_border:
            inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
            values = values * inside[..., None]
        return values

    top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx
    bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx
    return top * (1 - fy) + bottom * fy


def decode_landmarks(raw: np.ndarray, heatmap: np.ndarray, roi: Roi) -> np.ndarray:
    """The landmark model's outputs as (33, 3): x, y in image pixels and visibility in [0, 1].

    ``raw`` is (195,) or (1, 195): 39 x (x, y, z, visibility logit, presence logit) in input pixels;
    ``heatmap`` is (1, 64, 64, 39). Positions are refined from the heatmap as MediaPipe does (the
    confidence-weighted mean over a 7 x 7 window, where the window's peak confidence is at least 0.5).
    """
    values = raw.reshape(-1, 5)[:NUM_LANDMARKS]
    norm = values[:, :2] / LANDMARK_SIZE
    norm = _refine_from_heatmap(norm, heatmap.reshape(heatmap.shape[-3:]))
    visibility = 1.0 / (1.0 + np.exp(-values[:, 3]))
    # Back from the ROI's frame to the image: rotate about the ROI's centre, then scale and move.
    local = (norm - 0.5) * roi.size
    cos, sin = math.cos(roi.rotation), math.sin(roi.rotation)
    xs = roi.x_center + local[:, 0] * cos - local[:, 1] * sin
    ys = roi.y_center + local[:, 0] * sin + local[:, 1] * cos
    return np.stack([xs, ys, visibility], axis=1).astype(np.float32)


def _refine_from_heatmap(norm: np.ndarray, heatmap: np.ndarray) -> np.ndarray:
    rows, cols = heatmap.shape[:2]
    half = (HEATMAP_KERNEL - 1) // 2
    refined = norm.copy()
    for i, (x, y) in enumerate(norm):
        col, row = int(x * cols), int(y * rows)
        if not (0 <= col < cols and 0 <= row < rows):
            continue
        r0, r1 = max(0, row - half), min(rows, row + half + 1)
        c0, c1 = max(0, col - half), min(cols, col + half + 1)
        confidence = 1.0 / (1.0 + np.exp(-heatmap[r0:r1, c0:c1, i]))
        total = confidence.sum()
        if confidence.max() >= HEATMAP_MIN_CONFIDENCE and total > 0:
            grid_r, grid_c = np.mgrid[r0:r1, c0:c1]
            refined[i] = (
                (confidence * grid_c).sum() / cols / total,
                (confidence * grid_r).sum() / rows / total,
            )
    return refined
