"""Smart body crop: the box between two body parts of the person in a photo, found with BlazePose.

Owns: the model files (``MODEL_DIR``), loading the two TensorFlow Lite models once, the ``SmartBodyCrop``
inference class and its parameters, and the crop box. Does not own: image input (``image_input.py``) or the
pose model's pre/post-processing (``pose_model.py``).

The models are BlazePose's (Apache-2.0), shipped inside the ``mediapipe`` wheels 0.10.5 to 0.10.21. The
``mediapipe`` package is never imported (it pins protobuf<5 and numpy<2): ``ensure_model_files`` copies its
two ``.tflite`` files into ``MODEL_DIR`` once, and from then on only that folder is needed - in a notebook it
is beside the notebook, in the action it is ``models/`` beside ``__main__.py`` in the zip.

    crop = SmartBodyCrop()
    crop.predict("photo.jpg", upper="eyes", lower="hips")
    # {"x": 96, "y": 78, "w": 318, "h": 434, "keypoints": {...}, "timings_ms": {...}, ...}

``predict`` takes keyword parameters (an action's ``main(args)`` passes the invocation's parameters as
keywords, or as one dict) and raises ``ValueError`` with a message for the caller on bad input or when no
person is found; the generated action returns such an error as ``{"error": message}``.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import time
import zipfile
from typing import Any

import numpy as np
from image_input import decode_image, encode_image, read_image_bytes
from pose_model import (
    DETECTOR_SIZE,
    LANDMARK_SIZE,
    Roi,
    decode_detections,
    decode_landmarks,
    detection_to_roi,
    sample_square,
    ssd_anchors,
    weighted_nms,
)

try:
    from ai_edge_litert.interpreter import Interpreter
except ImportError:  # the same TensorFlow Lite interpreter also ships inside TensorFlow
    import tensorflow as tf

    Interpreter = tf.lite.Interpreter

__all__ = [
    "BODY_PARTS",
    "KEYPOINT_NAMES",
    "MODEL_DIR",
    "SmartBodyCrop",
    "crop_box",
    "ensure_model_files",
    "keypoints_between",
]

MODEL_DIR = "models"  # relative to the working directory: the notebook's folder, or the action's
# The two model files, and where they sit inside the mediapipe distribution (0.10.5 .. 0.10.21).
MEDIAPIPE_FILES = {
    "pose_detection.tflite": "mediapipe/modules/pose_detection/pose_detection.tflite",
    "pose_landmark_full.tflite": "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
}
MIN_DETECTION_SCORE = 0.5  # MediaPipe's default min_detection_confidence
MIN_POSE_PRESENCE = 0.5  # MediaPipe's default min_tracking_confidence: below it the ROI holds no person
NUM_THREADS = 1  # one thread an activation: steady on a shared invoker; 2 gain ~1.3x on an idle machine

KEYPOINT_NAMES = [
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
]  # fmt: skip
# Body parts from head to toe, each with the keypoints (indices into KEYPOINT_NAMES) that mark it.
BODY_PARTS = {
    "nose": [0],
    "eyes": [2, 5],
    "ears": [7, 8],
    "shoulders": [11, 12],
    "elbows": [13, 14],
    "wrists": [15, 16],
    "hips": [23, 24],
    "knees": [25, 26],
    "ankles": [27, 28],
}


def ensure_model_files(model_dir: str = MODEL_DIR, wheel: str | None = None) -> dict[str, str]:
    """Make sure ``model_dir`` holds the two BlazePose model files; return their paths by file name.

    Missing files are copied from the installed ``mediapipe`` distribution (found without importing it),
    or extracted from ``wheel``, the path of a downloaded ``mediapipe-0.10.x-*.whl``.
    """
    paths = {name: os.path.join(model_dir, name) for name in MEDIAPIPE_FILES}
    missing = [name for name, path in paths.items() if not os.path.isfile(path)]
    if not missing:
        return paths
    os.makedirs(model_dir, exist_ok=True)
    for name in missing:
        inner = MEDIAPIPE_FILES[name]
        partial = paths[name] + ".partial"  # a copy cut short must not pass for a model file
        if wheel is not None:
            with zipfile.ZipFile(wheel) as archive, archive.open(inner) as src, open(partial, "wb") as dst:
                shutil.copyfileobj(src, dst)
        else:
            source = _installed_mediapipe_file(inner)
            if source is None:
                raise ValueError(
                    f"the pose model file {name} is not in {model_dir}/ and no mediapipe 0.10.5-0.10.21 is "
                    "installed to copy it from: run `pip install --no-deps mediapipe==0.10.21` (never "
                    "imported, only its model files are read), or pass wheel= a downloaded mediapipe wheel"
                )
            shutil.copyfile(source, partial)
        os.replace(partial, paths[name])
    return paths


def _installed_mediapipe_file(inner: str) -> str | None:
    """The path of ``inner`` (e.g. ``mediapipe/modules/...``) in the installed mediapipe, or None."""
    try:
        candidate = str(importlib.metadata.distribution("mediapipe").locate_file(inner))
        if os.path.isfile(candidate):
            return candidate
    except importlib.metadata.PackageNotFoundError:
        pass
    spec = importlib.util.find_spec("mediapipe")  # finds the package without importing it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = os.path.join(os.path.dirname(folder), inner)
        if os.path.isfile(candidate):
            return candidate
    return None


def keypoints_between(upper: str, lower: str) -> list[int]:
    """Indices of the keypoints of the body parts from ``upper`` to ``lower``, both included."""
    parts = list(BODY_PARTS)
    return [i for part in parts[parts.index(upper) : parts.index(lower) + 1] for i in BODY_PARTS[part]]


def crop_box(
    keypoints: np.ndarray, upper: str, lower: str, margin: float, width: int, height: int
) -> tuple[int, int, int, int]:
    """The box (x, y, w, h) from the top of ``upper`` to the bottom of ``lower``, wide enough for every
    body part between them, grown by ``margin`` (a fraction of its width and height) and clipped to the
    image. ``keypoints`` is (33, 3) in image pixels."""
    xs = keypoints[keypoints_between(upper, lower), 0]
    top = float(keypoints[BODY_PARTS[upper], 1].min())
    bottom = float(keypoints[BODY_PARTS[lower], 1].max())
    left, right = float(xs.min()), float(xs.max())
    grow_x, grow_y = (right - left) * margin, (bottom - top) * margin
    x0 = int(np.clip(np.floor(left - grow_x), 0, width))
    y0 = int(np.clip(np.floor(top - grow_y), 0, height))
    x1 = int(np.clip(np.ceil(right + grow_x), 0, width))
    y1 = int(np.clip(np.ceil(bottom + grow_y), 0, height))
    return x0, y0, x1 - x0, y1 - y0


def _load_interpreter(path: str) -> Any:
    interpreter = Interpreter(model_path=path, num_threads=NUM_THREADS)
    interpreter.allocate_tensors()
    return interpreter


class SmartBodyCrop:
    """Finds one person with BlazePose and returns the box between two of their body parts.

    The two models are loaded once, here; every ``predict`` reuses them (a warm action does no loading).
    """

    def __init__(self, model_dir: str = MODEL_DIR) -> None:
        started = time.perf_counter()
        paths = ensure_model_files(model_dir)
        self.detector = _load_interpreter(paths["pose_detection.tflite"])
        self.landmarker = _load_interpreter(paths["pose_landmark_full.tflite"])
        self.anchors = ssd_anchors()
        self._unreported_load_ms = (time.perf_counter() - started) * 1000

    def predict(
        self,
        image: str | bytes | dict[str, Any] | None = None,
        upper: str = "eyes",
        lower: str = "hips",
        margin: float = 0.1,
        return_image: bool | str = False,
    ) -> dict[str, Any]:
        """Crop ``image`` (URL, path, base64 text or data: URL, or bytes) from ``upper`` to ``lower``.

        Body parts, head to toe: nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles.
        ``margin`` grows the box by that fraction of its size on each side. The result has the box
        ``x, y, w, h`` in image pixels, the ``keypoints`` used (name -> [x, y, visibility]), the
        ``image_size``, the detector's ``score``, ``timings_ms``, and with ``return_image`` the crop as
        base64 JPEG in ``crop``. A dict as ``image`` is taken as all the parameters at once.
        """
        if isinstance(image, dict):
            return self.predict(**image)
        upper, lower, margin = _check_parameters(upper, lower, margin)
        return_image = _flag("return_image", return_image)
        started = time.perf_counter()
        data, download_ms = read_image_bytes("" if image is None else image)
        decode_started = time.perf_counter()
        pixels, (width, height) = decode_image(data)  # big photos come back smaller than width x height
        scale = np.array([width / pixels.shape[1], height / pixels.shape[0]], dtype=np.float32)
        timings = {"download": download_ms, "decode": (time.perf_counter() - decode_started) * 1000}
        timings["model_load"], self._unreported_load_ms = self._unreported_load_ms, 0.0

        stage = time.perf_counter()
        roi, score = self._detect(pixels)
        timings["detector"] = (time.perf_counter() - stage) * 1000
        stage = time.perf_counter()
        keypoints = self._landmarks(pixels, roi)
        keypoints[:, :2] *= scale
        timings["landmarks"] = (time.perf_counter() - stage) * 1000

        x, y, w, h = crop_box(keypoints, upper, lower, margin, width, height)
        if w == 0 or h == 0:
            raise ValueError(
                f"the person's {upper} to {lower} lie outside the image: choose other body parts"
            )
        result: dict[str, Any] = {
            "x": x,
            "y": y,
            "w": w,
            "h": h,
            "upper": upper,
            "lower": lower,
            "keypoints": {
                KEYPOINT_NAMES[i]: [round(float(v), 3) for v in keypoints[i]]
                for i in keypoints_between(upper, lower)
            },
            "image_size": {"width": width, "height": height},
            "score": round(score, 3),
        }
        if return_image:
            (x0, y0), (x1, y1) = np.floor([x, y] / scale), np.ceil([x + w, y + h] / scale)
            result["crop"] = encode_image(pixels[int(y0) : int(y1), int(x0) : int(x1)])
        timings["total"] = (time.perf_counter() - started) * 1000 + timings["model_load"]
        result["timings_ms"] = {name: round(ms, 2) for name, ms in timings.items()}
        return result

    def _detect(self, pixels: np.ndarray) -> tuple[Roi, float]:
        """The ROI of the best-scoring person and the detector's score for them."""
        height, width = pixels.shape[:2]
        side = float(max(width, height))
        letterbox = Roi(width / 2, height / 2, side, 0.0)
        tensor = sample_square(pixels, letterbox, DETECTOR_SIZE, replicate_border=False) / 127.5 - 1.0
        outputs = _run(self.detector, tensor)
        boxes, scores = sorted(outputs, key=lambda out: out.shape[-1], reverse=True)
        detections = weighted_nms(decode_detections(boxes[0], scores[0], self.anchors, MIN_DETECTION_SCORE))
        if not detections:
            raise ValueError("no person found in the image: pass a photo with a person in it")
        best = detections[0]
        return detection_to_roi(best, side, (side - width) / 2, (side - height) / 2), best.score

    def _landmarks(self, pixels: np.ndarray, roi: Roi) -> np.ndarray:
        """The 33 keypoints (x, y, visibility) of the person inside ``roi``, in image pixels."""
        tensor = sample_square(pixels, roi, LANDMARK_SIZE, replicate_border=True) / 255.0
        outputs = {out.shape[1:]: out for out in _run(self.landmarker, tensor)}
        raw, presence, heatmap = outputs[(195,)], outputs[(1,)], outputs[(64, 64, 39)]
        if 1.0 / (1.0 + np.exp(-float(presence.reshape(-1)[0]))) < MIN_POSE_PRESENCE:
            raise ValueError("no person found in the image: pass a photo with a person in it")
        return decode_landmarks(raw, heatmap, roi)


def _run(interpreter: Any, tensor: np.ndarray) -> list[np.ndarray]:
    """Run ``interpreter`` on one (H, W, 3) input; its outputs in the model's order."""
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], tensor[None].astype(np.float32))
    interpreter.invoke()
    return [interpreter.get_tensor(out["index"]) for out in interpreter.get_output_details()]


def _check_parameters(upper: Any, lower: Any, margin: Any) -> tuple[str, str, float]:
    parts = list(BODY_PARTS)
    for name, value in (("upper", upper), ("lower", lower)):
        if value not in BODY_PARTS:
            raise ValueError(f"unknown body part {name}={value!r}: choose one of {', '.join(parts)}")
    if parts.index(upper) > parts.index(lower):
        raise ValueError(
            f"upper={upper!r} is below lower={lower!r}: upper must come first in {', '.join(parts)}"
        )
    try:
        margin = float(margin)
    except (TypeError, ValueError):
        raise ValueError(
            f"margin must be a number (a fraction of the box, e.g. 0.1), not {margin!r}"
        ) from None
    if not 0.0 <= margin <= 2.0:
        raise ValueError(f"margin must be between 0 and 2 (a fraction of the box's size), not {margin}")
    return upper, lower, margin


def _flag(name: str, value: Any) -> bool:
    """A yes/no parameter: a JSON boolean, or the text a query string or a CLI may send."""
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "1", "yes"):
        return True
    if str(value).strip().lower() in ("false", "0", "no", ""):
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")
