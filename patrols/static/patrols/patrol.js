// The patrol page: fill the check-in's position from the phone (navigator.geolocation). The form works without
// it (the position can be typed); with it, a check-in without a position first asks the phone, then is sent.
(function () {
  "use strict";
  var form = document.getElementById("check-in-form");
  if (!form || !navigator.geolocation) return;
  var lat = form.querySelector(".here-lat"), lng = form.querySelector(".here-lng");
  var accuracy = form.querySelector(".here-accuracy"), status = document.getElementById("position-status");
  var button = document.getElementById("locate"), sending = false;

  function locate(then) {
    status.textContent = form.dataset.iLocating;
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      if (accuracy) accuracy.value = Math.round(position.coords.accuracy);
      status.textContent = form.dataset.iLocated + " (" + form.dataset.iAccuracy + " " +
        Math.round(position.coords.accuracy) + " m)";
      if (then) then();
    }, function () {
      status.textContent = form.dataset.iFailed;
      if (then) then();
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 30000 });
  }

  button.hidden = false;
  button.addEventListener("click", function () { locate(null); });
  form.addEventListener("submit", function (event) {
    if (sending || (lat.value && lng.value)) return;
    event.preventDefault();
    sending = true;
    locate(function () { form.submit(); });
  });
  locate(null);
})();
