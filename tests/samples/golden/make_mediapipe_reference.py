"""Regenerate ``mediapipe_pose_reference.json``: BlazePose keypoints from the real MediaPipe, the oracle for
``test_the_port_finds_what_mediapipe_finds`` in ``test_smart_body_crop.py``. Not run by the tests.

mediapipe 0.10.21 needs numpy<2 and protobuf<5, so it runs in a throwaway venv of its own, never in the
project's:

    python3.11 -m venv /tmp/mpvenv && /tmp/mpvenv/bin/pip install mediapipe==0.10.21 pillow
    cd tests/samples/golden
    /tmp/mpvenv/bin/python make_mediapipe_reference.py > mediapipe_pose_reference.json
"""

import json
import sys
from pathlib import Path

import mediapipe as mp
import numpy as np
from PIL import Image

PHOTOS = Path(__file__).resolve().parents[3] / "samples" / "photos"
NAMES = ["astronaut.png", "camera.png", "coffee.png", "rocket.jpg", "chelsea.png"]


def main() -> None:
    landmarks = {}
    for name in NAMES:
        pixels = np.asarray(Image.open(PHOTOS / name).convert("RGB"))
        height, width = pixels.shape[:2]
        with mp.solutions.pose.Pose(
            static_image_mode=True, model_complexity=1, min_detection_confidence=0.5
        ) as pose:
            found = pose.process(pixels).pose_landmarks
        landmarks[name] = (
            None
            if found is None
            else [
                [round(p.x * width, 2), round(p.y * height, 2), round(p.visibility, 4)]
                for p in found.landmark
            ]
        )
    producer = (
        f"mediapipe {mp.__version__}, mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1, "
        f"min_detection_confidence=0.5), Python {sys.version.split()[0]}, numpy {np.__version__}; "
        "see make_mediapipe_reference.py"
    )
    # One keypoint a line, so that a diff of two references reads keypoint by keypoint.
    rows = []
    for name, points in landmarks.items():
        body = (
            "null" if points is None else "[\n" + ",\n".join(f"   {json.dumps(p)}" for p in points) + "\n  ]"
        )
        rows.append(f"  {json.dumps(name)}: {body}")
    print('{\n "producer": ' + json.dumps(producer) + ',\n "landmarks": {\n' + ",\n".join(rows) + "\n }\n}")


if __name__ == "__main__":
    main()
