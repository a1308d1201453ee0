# `cmake --install build [--prefix PREFIX]`: what a deployment needs.
#   PREFIX/bin/winnow
#   PREFIX/share/winnow/models/all-MiniLM-L6-v2/   the default model (fetched by scripts/setup);
#                                                  found by the binary from any working
#                                                  directory (app/model_location.hpp)
#   PREFIX/share/winnow/config/*.toml              the commented example configurations
#   PREFIX/share/winnow/dashboards/winnow.json     the Grafana dashboard
#   PREFIX/lib/systemd/system/winnow.service       the systemd unit (deploy/systemd/)
include(GNUInstallDirs)

install(TARGETS winnow RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(WINNOW_MODEL_NAME all-MiniLM-L6-v2)
set(WINNOW_MODEL_DIR ${PROJECT_SOURCE_DIR}/models/${WINNOW_MODEL_NAME})
if(EXISTS ${WINNOW_MODEL_DIR}/model.safetensors)
  install(DIRECTORY ${WINNOW_MODEL_DIR}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/winnow/models
          PATTERN ".*" EXCLUDE)
else()
  message(WARNING "models/${WINNOW_MODEL_NAME} is missing: `cmake --install` will not install "
                  "the default model (run scripts/setup, which fetches it, then configure again)")
endif()

file(GLOB winnow_example_configs ${PROJECT_SOURCE_DIR}/config/*.toml)
install(FILES ${winnow_example_configs} DESTINATION ${CMAKE_INSTALL_DATADIR}/winnow/config)
install(FILES ${PROJECT_SOURCE_DIR}/dashboards/winnow.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/winnow/dashboards)

# The unit names the binary by its installed path, so it is written at install
# time, when the prefix (--prefix may differ from CMAKE_INSTALL_PREFIX) is known.
install(CODE "
  set(WINNOW_BINDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  set(winnow_unit \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/winnow.service\")
  message(STATUS \"Installing: \${winnow_unit}\")
  configure_file(\"${PROJECT_SOURCE_DIR}/deploy/systemd/winnow.service.in\" \"\${winnow_unit}\" @ONLY)
")
