#include "vision/detect/scene.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>
#include <opencv2/calib3d.hpp>

namespace sturgeon::vision {
namespace {

constexpr int kMaxCorners = 200;
constexpr int kMinInliers = 12;
constexpr double kRansacPx = 1.0;
// Sub-pixel estimates this small are noise and ripples, not the drone: they
// would add up to a false drift over a long clip.
constexpr double kStillPx = 0.3;
constexpr double kStillRotation = 1e-3;
constexpr double kFloodTolerance = 5.0;   // neighbour colour step allowed inside the water
constexpr double kMinPoolShare = 0.04;    // of the frame

}  // namespace

void CameraMotion::Update(const cv::Mat& grey, float scale, const std::vector<cv::Rect2f>& fish_boxes) {
  if (prev_.empty()) {
    prev_ = grey.clone();
    return;
  }
  cv::Mat mask(prev_.size(), CV_8U, cv::Scalar(255));
  for (const cv::Rect2f& b : fish_boxes) {
    cv::Rect r(static_cast<int>(b.x / scale) - 2, static_cast<int>(b.y / scale) - 2,
               static_cast<int>(b.width / scale) + 4, static_cast<int>(b.height / scale) + 4);
    cv::rectangle(mask, r, cv::Scalar(0), cv::FILLED);
  }
  std::vector<cv::Point2f> p0, p1;
  cv::goodFeaturesToTrack(prev_, p0, kMaxCorners, 0.01, 6, mask, 5);
  cv::Matx33d step = cv::Matx33d::eye();
  if (p0.size() >= static_cast<size_t>(kMinInliers)) {
    std::vector<uchar> ok;
    std::vector<float> err;
    cv::calcOpticalFlowPyrLK(prev_, grey, p0, p1, ok, err, cv::Size(15, 15), 2);
    std::vector<cv::Point2f> a, b;
    for (size_t i = 0; i < ok.size(); ++i) {
      if (ok[i]) { a.push_back(p1[i]); b.push_back(p0[i]); }
    }
    if (a.size() >= static_cast<size_t>(kMinInliers)) {
      std::vector<uchar> inliers;
      cv::Mat m = cv::estimateAffinePartial2D(a, b, inliers, cv::RANSAC, kRansacPx);
      int count = static_cast<int>(std::count(inliers.begin(), inliers.end(), 1));
      bool still = !m.empty() && std::abs(m.at<double>(0, 2)) < kStillPx && std::abs(m.at<double>(1, 2)) < kStillPx &&
                   std::abs(m.at<double>(0, 1)) < kStillRotation;
      if (!m.empty() && !still && count >= kMinInliers && count * 3 >= static_cast<int>(a.size())) {
        // m maps current small pixels to previous small pixels; lift to full res.
        cv::Matx33d s(scale, 0, 0, 0, scale, 0, 0, 0, 1), si(1 / scale, 0, 0, 0, 1 / scale, 0, 0, 0, 1);
        cv::Matx33d mm(m.at<double>(0, 0), m.at<double>(0, 1), m.at<double>(0, 2), m.at<double>(1, 0),
                       m.at<double>(1, 1), m.at<double>(1, 2), 0, 0, 1);
        step = s * mm * si;
        if (std::abs(step(0, 2)) > 0.05 || std::abs(step(1, 2)) > 0.05 || std::abs(step(0, 1)) > 1e-4) moved_ = true;
      }
    }
  }
  world_from_image_ = world_from_image_ * step;
  prev_ = grey.clone();
}

cv::Point2f CameraMotion::ToWorld(cv::Point2f p) const {
  cv::Vec3d v = world_from_image_ * cv::Vec3d(p.x, p.y, 1);
  return {static_cast<float>(v[0]), static_cast<float>(v[1])};
}

cv::Point2f CameraMotion::ToImage(cv::Point2f p) const {
  cv::Vec3d v = world_from_image_.inv() * cv::Vec3d(p.x, p.y, 1);
  return {static_cast<float>(v[0]), static_cast<float>(v[1])};
}

cv::Mat FindPoolMask(const cv::Mat& bgr) {
  cv::Mat small;
  const double f = std::min(1.0, 240.0 / bgr.cols);
  cv::resize(bgr, small, cv::Size(), f, f, cv::INTER_AREA);
  cv::medianBlur(small, small, 5);
  cv::Mat flood = cv::Mat::zeros(small.rows + 2, small.cols + 2, CV_8U);
  cv::Point seed(small.cols / 2, small.rows / 2);
  cv::Scalar tol(kFloodTolerance, kFloodTolerance, kFloodTolerance);
  cv::floodFill(small, flood, seed, cv::Scalar(), nullptr, tol, tol, 8 | cv::FLOODFILL_MASK_ONLY | (255 << 8));
  cv::Mat region = flood(cv::Rect(1, 1, small.cols, small.rows));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(region.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  cv::Mat out(small.size(), CV_8U, cv::Scalar(255));
  if (contours.empty()) return out;
  auto largest = std::max_element(contours.begin(), contours.end(), [](const auto& a, const auto& b) {
    return cv::contourArea(a) < cv::contourArea(b);
  });
  std::vector<cv::Point> hull;
  cv::convexHull(*largest, hull);
  if (cv::contourArea(hull) < kMinPoolShare * small.total()) return out;
  out.setTo(0);
  cv::fillConvexPoly(out, hull, cv::Scalar(255));
  // One pixel in from the wall, so no concrete is taken for water.
  cv::erode(out, out, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  return out;
}

}  // namespace sturgeon::vision
