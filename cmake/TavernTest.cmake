# tavern_add_test(NAME [SOURCES ...] LABELS unit|integration|attacks|gui [LIBS ...] [TIMEOUT s]
#                 [KEYRING])
# One executable per test file, run headless by ctest. KEYRING runs it inside its own D-Bus
# session with an unlocked gnome-keyring (tests/support/with-keyring.sh).
function(tavern_add_test name)
    cmake_parse_arguments(T "KEYRING" "TIMEOUT" "SOURCES;LABELS;LIBS" ${ARGN})
    if(NOT T_SOURCES)
        set(T_SOURCES ${name}.cpp)
    endif()
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    qt_add_executable(${name} ${T_SOURCES})
    target_link_libraries(${name} PRIVATE Qt6::Test ${T_LIBS})
    tavern_set_warnings(${name})
    if(T_KEYRING)
        add_test(NAME ${name}
                 COMMAND ${PROJECT_SOURCE_DIR}/tests/support/with-keyring.sh $<TARGET_FILE:${name}>)
    else()
        add_test(NAME ${name} COMMAND ${name})
    endif()
    set_tests_properties(${name} PROPERTIES
        LABELS "${T_LABELS}"
        TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;TAVERN_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
